//! The one wasmtime [`Engine`] of the process and its epoch ticker.

use anyhow::Result;
use std::time::Duration;
use wasmtime::{Config, Engine};

/// How often the epoch advances. Call deadlines are counted in these ticks.
pub(super) const EPOCH_TICK: Duration = Duration::from_millis(10);

/// Builds the engine: component model, async host calls, epoch interruption.
pub(super) fn build() -> Result<Engine> {
    let mut config = Config::new();
    config
        .wasm_component_model(true)
        .epoch_interruption(true)
        .cranelift_opt_level(wasmtime::OptLevel::Speed)
        .max_wasm_stack(1 << 20);
    // Test builds: a trap carries the guest's memories (the memory scans, and the
    // conformance suite's scan).
    #[cfg(feature = "memory-dump")]
    config.coredump_on_trap(true);
    let engine = Engine::new(&config)?;
    let ticker = engine.weak();
    std::thread::Builder::new()
        .name("portico-epoch".into())
        .spawn(move || {
            while let Some(engine) = ticker.upgrade() {
                engine.increment_epoch();
                drop(engine);
                std::thread::sleep(EPOCH_TICK);
            }
        })?;
    Ok(engine)
}

/// Epoch ticks for a deadline.
pub(super) fn ticks(deadline: Duration) -> u64 {
    (deadline.as_millis() / EPOCH_TICK.as_millis()).max(1) as u64
}
