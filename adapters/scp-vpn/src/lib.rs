//! portico adapter for the Samsung Cloud Platform (SCP v2) VPN API, versions 1.1 and 1.0.
//!
//! Nouns: `gateway` (VPN gateways) and `tunnel` (VPN tunnels), both of kind `ipsec`; all
//! thirteen operations of the API are in the catalogue under the spec's operation ids.
//! Requests go to `https://vpn.<region>.<environment>.samsungsdscloud.com` (or the profile's
//! `endpoint`) and ask for the profile's `api-version` (`Scp-API-Version: vpn 1.1` by default).
//!
//! Every request is signed (see [`api`], the signing hook of the SDK's `Api`, so the catalogue's
//! shared `invoke` signs too): the adapter reads the non-secret access key and
//! account id through `credentials.identity`, builds the string to sign, and has the host put
//! the HMAC in `Scp-Signature`. Creates, tunnel updates and deletes are accepted by SCP with 202
//! and finish in the background (`CREATING`/`EDITING`/`DELETING`); the host's `--wait` polls
//! `get` until the resource is `ACTIVE` or gone. Lists page with SCP's `page`/`size` behind an
//! opaque cursor; `count` in a list answer is read as the total, and the filters SCP takes are
//! declared (any other key is refused). Tunnels are a top-level collection at SCP, so their
//! parent is optional. SCP tags are write-only and names need not be unique: no labels, and a
//! create whose outcome is unknown cannot be looked up (the error says so).

mod api;
mod catalog;
mod describe;
mod gateways;
mod ipsec;
mod list;
mod records;
mod tunnels;

portico_adapter_sdk::export!(ScpVpn {
    describe: describe::description,
    gateways: gateways::GATEWAYS,
    tunnels: tunnels::TUNNELS,
    operations: api::CATALOGUE,
});

#[cfg(test)]
mod tests;
