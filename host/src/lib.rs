//! portico: a command-line host that manages cloud VPN gateways, tunnels, peers and port
//! mappings through provider adapters that run as sandboxed WebAssembly components.
//!
//! The host owns everything with authority: it loads adapters with wasmtime ([`runtime`]),
//! brokers every HTTP request and applies every credential ([`broker`]), keeps credentials
//! ([`credentials`]) and installed adapters and profiles ([`config`]). Adapters only name
//! what they need; they never hold a secret and reach nothing the user did not grant.
#![deny(missing_docs)]

pub mod broker;
pub mod cli;
pub mod commands;
pub mod config;
pub mod credentials;
pub mod error;
pub mod home;
pub mod output;
pub mod runtime;
pub mod secret;
pub mod signature;
pub mod wit;
