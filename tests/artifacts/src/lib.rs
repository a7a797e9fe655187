//! Paths of the adapter components built for the integration tests: the shipped adapters
//! (`IONOS_VPN`, ...) and the test-only adapters under `tests/adapters` (`BROKER_PROBE`, ...).

include!(concat!(env!("OUT_DIR"), "/artifacts.rs"));
