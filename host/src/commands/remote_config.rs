//! The other end's configuration: `portico tunnel config` (a strongSwan `swanctl.conf` for the
//! remote site of an IPSec tunnel) and `portico peer config` (a wg-quick file for a WireGuard
//! peer). The generators are plain functions of the records so `apply` can reuse them.

pub(crate) mod swanctl;
