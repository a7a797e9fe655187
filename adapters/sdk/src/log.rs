//! Diagnostics shown by the host at `-v` (info and above) and `-vv` (everything).
//!
//! Never log a secret. Placeholders of secret inputs are fine: they are not the values.

pub use crate::bindings::portico::adapter::log::Level;

/// Write a log line at `level`.
pub fn log(level: Level, message: &str) {
    crate::host::log(level, message);
}

/// Write a `trace` line.
pub fn trace(message: &str) {
    log(Level::Trace, message);
}

/// Write a `debug` line.
pub fn debug(message: &str) {
    log(Level::Debug, message);
}

/// Write an `info` line.
pub fn info(message: &str) {
    log(Level::Info, message);
}

/// Write a `warn` line.
pub fn warn(message: &str) {
    log(Level::Warn, message);
}

/// Write an `error` line.
pub fn error(message: &str) {
    log(Level::Error, message);
}
