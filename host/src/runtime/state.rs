//! The data of one adapter [`wasmtime::Store`]: WASI with nothing granted, the limits, the
//! broker, and the `config`/`log` imports.

use crate::broker::Broker;
use crate::wit::{config, log, types};
use wasmtime::StoreLimits;
use wasmtime::component::ResourceTable;
use wasmtime_wasi::p2::pipe::MemoryOutputPipe;
use wasmtime_wasi::{WasiCtx, WasiCtxView, WasiView};

/// Bytes of guest stderr kept (a panic message lands there).
const STDERR_CAPACITY: usize = 64 * 1024;
/// Longest log line accepted from a guest.
const MAX_LOG_LINE: usize = 4096;

/// Store data of one adapter instance.
pub struct AdapterState {
    /// WASI context: no preopens, no environment, no arguments, no sockets.
    pub wasi: WasiCtx,
    /// Resource table for WASI.
    pub table: ResourceTable,
    /// Memory and instance limits.
    pub limits: StoreLimits,
    /// The broker behind `http` and `credentials`.
    pub broker: Broker,
    /// The guest's stderr, captured (not shown unless it traps).
    pub stderr: MemoryOutputPipe,
}

impl AdapterState {
    /// State with nothing granted but the clocks and randomness WASI always offers.
    pub fn new(broker: Broker, limits: StoreLimits) -> Self {
        let stderr = MemoryOutputPipe::new(STDERR_CAPACITY);
        let wasi = wasmtime_wasi::WasiCtxBuilder::new()
            .stderr(stderr.clone())
            .allow_tcp(false)
            .allow_udp(false)
            .allow_ip_name_lookup(false)
            .build();
        Self {
            wasi,
            table: ResourceTable::new(),
            limits,
            broker,
            stderr,
        }
    }

    /// What the guest wrote to stderr, lossily decoded.
    pub fn stderr_text(&self) -> String {
        String::from_utf8_lossy(&self.stderr.contents())
            .trim()
            .to_string()
    }
}

impl WasiView for AdapterState {
    fn ctx(&mut self) -> WasiCtxView<'_> {
        WasiCtxView {
            ctx: &mut self.wasi,
            table: &mut self.table,
        }
    }
}

impl types::Host for AdapterState {}

impl config::Host for AdapterState {
    fn get(&mut self, key: String) -> wasmtime::Result<Option<String>> {
        Ok(self.broker.setting(&key))
    }
}

impl log::Host for AdapterState {
    fn log(&mut self, level: log::Level, mut message: String) -> wasmtime::Result<()> {
        if message.len() > MAX_LOG_LINE {
            let mut end = MAX_LOG_LINE;
            while !message.is_char_boundary(end) {
                end -= 1;
            }
            message.truncate(end);
        }
        let message = crate::output::terminal_safe(&message).into_owned();
        let adapter = self.broker.adapter();
        match level {
            log::Level::Trace => tracing::trace!(target: "adapter", adapter, "{message}"),
            log::Level::Debug => tracing::debug!(target: "adapter", adapter, "{message}"),
            log::Level::Info => tracing::info!(target: "adapter", adapter, "{message}"),
            log::Level::Warn => tracing::warn!(target: "adapter", adapter, "{message}"),
            log::Level::Error => tracing::error!(target: "adapter", adapter, "{message}"),
        }
        Ok(())
    }
}
