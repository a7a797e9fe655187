//! What the portico Soracom adapters (`soracom-vpg`, `soracom-napter`) share: where the API
//! lives and how it pages and fails ([`api`]), and the `soracom` credential and profile
//! settings they describe to the host ([`describe`]).
//!
//! A plain library linked into each adapter's component; it is no adapter itself.

#![deny(missing_docs)]

pub mod api;
pub mod describe;
