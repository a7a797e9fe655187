//! The data of one adapter [`wasmtime::Store`]: WASI with nothing granted, the limits and the
//! broker (which implements the portico imports itself).

use crate::broker::Broker;
use wasmtime::StoreLimits;
use wasmtime::component::ResourceTable;
use wasmtime_wasi::p2::pipe::MemoryOutputPipe;
use wasmtime_wasi::{WasiCtx, WasiCtxView, WasiView};

/// Bytes of guest stderr kept (a panic message lands there).
const STDERR_CAPACITY: usize = 64 * 1024;

/// Store data of one adapter instance.
pub(super) struct AdapterState {
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
    pub(super) fn new(broker: Broker, limits: StoreLimits) -> Self {
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
    pub(super) fn stderr_text(&self) -> String {
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
