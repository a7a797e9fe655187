//! portico adapter for the IONOS Cloud VPN Gateway API.
//!
//! Nouns: `gateway` (kinds `wireguard` and `ipsec`), `tunnel` (IPSec tunnels, kind `ipsec`) and
//! `peer` (WireGuard peers, kind `wireguard`); every one of the API's twenty operations is also in
//! the operation catalogue. Requests go to `https://vpn.<region>.ionos.com` (or the profile's
//! `endpoint`) and name the credential `ionos`, which the host applies as a bearer token or basic
//! authentication.
//!
//! # Spec fields
//!
//! `properties` is applied as a JSON merge patch (RFC 7396) over the resource's IONOS
//! `properties` (the current ones on update, none on create); typed fields then win over it.
//! Typed fields left unset, blank or empty keep the current value; `clear` empties
//! `description` (every noun) and `endpoint` (peers), the only optional fields IONOS has.
//!
//! | noun | spec field | IONOS property |
//! |---|---|---|
//! | gateway | `kind` | which collection: `wireguard` → `/wireguardgateways`, `ipsec` → `/ipsecgateways` |
//! | gateway | `name`, `description` | `name`, `description` |
//! | gateway | `public-address` | `gatewayIP` |
//! | gateway (wireguard) | `networks` | `interfaceIPv4CIDR` / `interfaceIPv6CIDR` (one of each at most) |
//! | gateway (wireguard) | secret `private-key` | `privateKey` (required on create and update) |
//! | tunnel | `parent-id` | parent IPSec gateway |
//! | tunnel | `remote-address` | `remoteHost` |
//! | tunnel | `local-networks`, `remote-networks` | `cloudNetworkCIDRs`, `peerNetworkCIDRs` |
//! | tunnel | secret `pre-shared-key` | `auth: {method: PSK, psk: {key}}` (required on create and update) |
//! | peer | `parent-id` | parent WireGuard gateway |
//! | peer | `public-key` | `publicKey` |
//! | peer | `endpoint` (`host[:port]`) | `endpoint: {host, port}` |
//! | peer | `allowed-networks` | `allowedIPs` |
//!
//! Gateway `connections` (data center, LAN, LAN address), `listenPort`, `tier`,
//! `maintenanceWindow`, and tunnel `ike`/`esp` come from `properties`; tunnels get empty `ike`
//! and `esp` objects when none are given, which IONOS fills with its defaults.
//!
//! No list takes filters, and IONOS has no labels. Names need not be unique, so a create whose
//! outcome is unknown cannot be looked up: the error says so and names the resource to check.

mod api;
mod catalog;
mod child;
mod describe;
mod gateways;
mod ipsec;
mod peers;
mod records;
mod tunnels;

portico_adapter_sdk::export!(IonosVpn {
    describe: describe::description,
    gateways: gateways::GATEWAYS,
    tunnels: tunnels::TUNNELS,
    peers: peers::PEERS,
    operations: catalog::CATALOGUE,
});

#[cfg(test)]
mod tests;
