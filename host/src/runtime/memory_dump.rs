//! Test builds only (`memory-dump` feature): the adapter's linear memory, written to a
//! directory when each session ends, so the secret-scan tests can search it.

use super::session::{Bindings, Session};
use anyhow::Result;
use std::pin::Pin;
use std::task::{Context, Poll, Waker};

/// Polls `call` until it is ready; a call that keeps waiting is an error.
fn poll_to_end<T>(mut call: Pin<&mut impl Future<Output = T>>) -> Result<T> {
    let mut cx = Context::from_waker(Waker::noop());
    for _ in 0..1000 {
        if let Poll::Ready(r) = call.as_mut().poll(&mut cx) {
            return Ok(r);
        }
    }
    anyhow::bail!("the forced trap did not happen")
}

/// With the `memory-dump` feature (test builds only), the directory named by this variable
/// receives the adapter's linear memory when each session ends, so tests can scan it for
/// secrets.
pub(crate) const MEMORY_DUMP_ENV: &str = "PORTICO_MEMORY_DUMP_DIR";

impl Drop for Session {
    fn drop(&mut self) {
        if self.memory_taken {
            return;
        }
        if let Some(dir) = std::env::var_os(MEMORY_DUMP_ENV)
            && let Err(err) = self.dump_memory(std::path::Path::new(&dir))
        {
            tracing::warn!("no memory dump of adapter {}: {err:#}", self.name);
        }
    }
}

impl Session {
    /// Writes every linear memory of the instance to `dir/<adapter>-<pid>-<n>.mem`.
    ///
    /// Component instances do not export their core memories, so this forces a trap (an
    /// epoch deadline already reached) on a call into the guest: with `coredump_on_trap` the
    /// trap carries a core dump whose memories are the adapter's.
    fn dump_memory(&mut self, dir: &std::path::Path) -> Result<()> {
        let memories = self.memories()?;
        std::fs::create_dir_all(dir)?;
        for (n, memory) in memories.iter().enumerate() {
            static SEQUENCE: std::sync::atomic::AtomicUsize =
                std::sync::atomic::AtomicUsize::new(0);
            let seq = SEQUENCE.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
            let file = dir.join(format!(
                "{}-{}-{seq}-{n}.mem",
                self.name,
                std::process::id()
            ));
            std::fs::write(&file, memory)?;
        }
        Ok(())
    }

    /// Every linear memory of the instance. The instance cannot be called afterwards.
    pub(crate) fn memories(&mut self) -> Result<Vec<Vec<u8>>> {
        use std::pin::pin;
        self.memory_taken = true;
        self.store.set_epoch_deadline(0);
        // Any export will do: the call traps at its first epoch check, before it could wait on
        // anything, and only the error matters.
        let result: wasmtime::Result<()> = match &self.bindings {
            Bindings::Latest(b) => {
                let call = b.portico_adapter_adapter().call_describe(&mut self.store);
                poll_to_end(pin!(call))?.map(drop)
            }
            Bindings::V0_1_0(b) => {
                let call = b.portico_adapter_adapter().call_describe(&mut self.store);
                poll_to_end(pin!(call))?.map(drop)
            }
        };
        let err = match result {
            Ok(()) => anyhow::bail!("the forced trap did not happen"),
            Err(err) => err,
        };
        let Some(dump) = err.downcast_ref::<wasmtime::WasmCoreDump>() else {
            anyhow::bail!("the trap carried no core dump: {err}");
        };
        let memories: Vec<wasmtime::Memory> = dump.memories().to_vec();
        Ok(memories
            .iter()
            .map(|m| m.data(&self.store).to_vec())
            .collect())
    }
}
