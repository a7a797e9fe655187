//! Integration tests: the real `portico` binary against the in-process emulator.
//!
//! Every test gets its own `PORTICO_HOME` and its own emulator on `127.0.0.1:0`, so tests run
//! in parallel. Adapters come from `portico-test-artifacts`, which builds them.

mod apply;
mod broker;
mod cli;
mod compat;
mod conformance;
mod contract;
mod errors;
mod hostile;
mod inspect;
mod install;
mod integrity;
mod ionos;
mod ipsec;
mod layers;
mod links;
mod memory;
mod operations;
mod paging;
mod placements;
mod polyglot;
mod registry;
mod remote_config;
mod remote_tools;
mod retries;
mod scaffold;
mod scp;
mod secrets;
mod security_doc;
mod sessions;
mod signing;
mod soak;
mod soracom_napter;
mod soracom_vpg;
mod support;
mod tape;
mod tls;
#[cfg(unix)]
mod tty;
mod upcloud;
