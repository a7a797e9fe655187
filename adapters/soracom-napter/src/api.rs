//! The Soracom API as this adapter sees it: where it lives (coverage, sandbox, endpoint), how it
//! pages (`last_evaluated_key` / `x-soracom-next-key`) and how it fails (`{code, message}`) is
//! `portico_soracom::api`, shared with the VPG adapter and re-exported here.

pub use portico_soracom::api::{api, next_key, next_page};
