//! Turning what goes wrong inside an adapter call into a message naming the adapter: traps
//! (deadline, stack, memory, panics with the guest's last stderr lines) and return values
//! too large to accept.

use super::state::AdapterState;
use crate::config::Limits;
use wasmtime::Store;

/// Most bytes one export call may return to the host: twice the response-size cap, so a call
/// can pass on what it fetched with room for its own fields, but a hostile adapter cannot hand
/// over (and have printed) a string as large as its whole memory.
pub(super) fn returned_limit(limits: Limits) -> usize {
    usize::try_from(limits.max_response_bytes.saturating_mul(2)).unwrap_or(usize::MAX)
}

/// `Ok` when the value's contents (measured through its `Debug` form, which visits every
/// string, list and record) stay within `limit` bytes; otherwise `Err(limit)`. Measuring
/// stops as soon as the limit is passed.
pub(super) fn within<T: std::fmt::Debug>(
    value: &T,
    limit: usize,
) -> std::result::Result<(), usize> {
    struct Counter {
        written: usize,
        limit: usize,
    }
    impl std::fmt::Write for Counter {
        fn write_str(&mut self, s: &str) -> std::fmt::Result {
            self.written += s.len();
            if self.written > self.limit {
                Err(std::fmt::Error)
            } else {
                Ok(())
            }
        }
    }
    let mut counter = Counter { written: 0, limit };
    std::fmt::write(&mut counter, format_args!("{value:?}")).map_err(|_| limit)
}

/// Turns a wasmtime error from a call into a message naming the adapter and what failed.
pub(super) fn trap_error(
    adapter: &str,
    operation: &str,
    store: &Store<AdapterState>,
    err: wasmtime::Error,
    limits: Limits,
) -> anyhow::Error {
    let stderr = store.data().stderr_text();
    let detail = if stderr.is_empty() {
        String::new()
    } else {
        let tail: Vec<&str> = stderr
            .lines()
            .filter(|l| !l.contains("RUST_BACKTRACE"))
            .rev()
            .take(5)
            .collect();
        let tail: Vec<&str> = tail.into_iter().rev().collect();
        format!("; adapter output: {}", tail.join(" | "))
    };
    let reason = match err.downcast_ref::<wasmtime::Trap>() {
        Some(wasmtime::Trap::Interrupt) => format!(
            "exceeded its call deadline of {}s",
            limits.call_deadline_secs
        ),
        Some(wasmtime::Trap::StackOverflow) => "overflowed its stack".to_string(),
        Some(wasmtime::Trap::AllocationTooLarge) => {
            format!("exceeded its memory limit of {} MiB", limits.memory_mib)
        }
        Some(wasmtime::Trap::UnreachableCodeReached) if stderr.contains("panicked") => {
            "panicked".to_string()
        }
        Some(wasmtime::Trap::MemoryOutOfBounds) => format!(
            "trapped: {} (most often the adapter overflowing the stack it keeps in its own \
             memory, or a bug in the adapter)",
            wasmtime::Trap::MemoryOutOfBounds
        ),
        Some(trap) => format!("trapped: {trap}"),
        None => {
            let text = format!("{err:#}");
            if text.contains("memory") && text.contains("limit")
                || text.contains("forcing trap when growing memory")
            {
                format!("exceeded its memory limit of {} MiB", limits.memory_mib)
            } else {
                format!("failed: {text}")
            }
        }
    };
    anyhow::anyhow!("adapter {adapter} {reason} during {operation}{detail}")
}
