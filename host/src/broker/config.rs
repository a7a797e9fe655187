//! `portico:adapter/config`: the active profile's non-secret settings.

use super::Broker;
use crate::wit::{config, v0_1_0};

impl config::Host for Broker {
    fn get(&mut self, key: String) -> wasmtime::Result<Option<String>> {
        Ok(self.config.settings.get(&key).cloned())
    }
}

impl v0_1_0::config::Host for Broker {
    fn get(&mut self, key: String) -> wasmtime::Result<Option<String>> {
        config::Host::get(self, key)
    }
}
