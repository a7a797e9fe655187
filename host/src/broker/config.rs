//! `portico:adapter/config`: the active profile's non-secret settings.

use super::Broker;
use crate::wit::config::Host;

impl Host for Broker {
    fn get(&mut self, key: String) -> wasmtime::Result<Option<String>> {
        Ok(self.config.settings.get(&key).cloned())
    }
}
