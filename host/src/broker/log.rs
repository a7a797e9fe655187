//! `portico:adapter/log`: an adapter's diagnostics, shown at `-v`/`-vv` under the adapter's
//! name, cut to a sane length and escaped for the terminal.

use super::Broker;
use crate::wit::log::{Host, Level};
use crate::wit::v0_1_0;

/// Longest log line accepted from a guest.
const MAX_LOG_LINE: usize = 4096;

impl Host for Broker {
    fn log(&mut self, level: Level, mut message: String) -> wasmtime::Result<()> {
        if message.len() > MAX_LOG_LINE {
            let mut end = MAX_LOG_LINE;
            while !message.is_char_boundary(end) {
                end -= 1;
            }
            message.truncate(end);
        }
        let message = crate::output::terminal_safe(&message).into_owned();
        let adapter = self.adapter();
        match level {
            Level::Trace => tracing::trace!(target: "adapter", adapter, "{message}"),
            Level::Debug => tracing::debug!(target: "adapter", adapter, "{message}"),
            Level::Info => tracing::info!(target: "adapter", adapter, "{message}"),
            Level::Warn => tracing::warn!(target: "adapter", adapter, "{message}"),
            Level::Error => tracing::error!(target: "adapter", adapter, "{message}"),
        }
        Ok(())
    }
}

impl v0_1_0::log::Host for Broker {
    fn log(&mut self, level: v0_1_0::log::Level, message: String) -> wasmtime::Result<()> {
        Host::log(self, v0_1_0::level(level), message)
    }
}
