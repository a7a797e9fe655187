//! The emulator's notion of "now": wall-clock time plus an offset that tests move forward, so
//! lifecycle transitions (PROVISIONING → AVAILABLE, DESTROYING → gone) can be observed without
//! sleeping.

use std::sync::Mutex;
use std::time::{Duration, SystemTime};

use crate::lock;

/// Wall-clock time shifted by everything passed to [`Clock::advance`].
#[derive(Debug, Default)]
pub(crate) struct Clock {
    offset: Mutex<Duration>,
}

impl Clock {
    pub(crate) fn now(&self) -> SystemTime {
        SystemTime::now() + *lock(&self.offset)
    }

    pub(crate) fn advance(&self, by: Duration) {
        let mut offset = lock(&self.offset);
        *offset = offset.saturating_add(by);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn advance_moves_now_forward() {
        let clock = Clock::default();
        let before = clock.now();
        clock.advance(Duration::from_secs(3600));
        let after = clock.now();
        assert!(after.duration_since(before).unwrap_or_default() >= Duration::from_secs(3600));
    }
}
