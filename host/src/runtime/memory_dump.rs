//! Test builds only (`memory-dump` feature): the adapter's linear memory, written to a
//! directory when each session ends, so the secret-scan tests can search it.

use super::session::Session;
use anyhow::Result;

/// With the `memory-dump` feature (test builds only), the directory named by this variable
/// receives the adapter's linear memory when each session ends, so tests can scan it for
/// secrets.
pub(crate) const MEMORY_DUMP_ENV: &str = "PORTICO_MEMORY_DUMP_DIR";

impl Drop for Session {
    fn drop(&mut self) {
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
        use std::pin::pin;
        use std::task::{Context, Poll, Waker};
        self.store.set_epoch_deadline(0);
        let result = {
            let mut call = pin!(
                self.bindings
                    .portico_adapter_adapter()
                    .call_describe(&mut self.store)
            );
            let mut cx = Context::from_waker(Waker::noop());
            // The call traps at its first epoch check, before it could wait on anything.
            let mut polls = 0;
            loop {
                if let Poll::Ready(r) = call.as_mut().poll(&mut cx) {
                    break r;
                }
                polls += 1;
                anyhow::ensure!(polls < 1000, "the forced trap did not happen");
            }
        };
        let err = match result {
            Ok(_) => anyhow::bail!("the forced trap did not happen"),
            Err(err) => err,
        };
        let Some(dump) = err.downcast_ref::<wasmtime::WasmCoreDump>() else {
            anyhow::bail!("the trap carried no core dump: {err}");
        };
        let memories: Vec<wasmtime::Memory> = dump.memories().to_vec();
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
            std::fs::write(&file, memory.data(&self.store))?;
        }
        Ok(())
    }
}
