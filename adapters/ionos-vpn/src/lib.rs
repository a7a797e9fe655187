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
//! Typed fields left unset, blank or empty keep the current value.
//!
//! | noun | spec field | IONOS property |
//! |---|---|---|
//! | gateway | `kind` | which collection: `wireguard` → `/wireguardgateways`, `ipsec` → `/ipsecgateways` |
//! | gateway | `name`, `description` | `name`, `description` |
//! | gateway | `public-address` | `gatewayIP` |
//! | gateway (wireguard) | `networks` | `interfaceIPv4CIDR` / `interfaceIPv6CIDR` (one of each at most) |
//! | gateway (wireguard) | secret `private-key` | `privateKey` (required on create and update) |
//! | tunnel | `gateway-id` | parent IPSec gateway |
//! | tunnel | `remote-address` | `remoteHost` |
//! | tunnel | `local-networks`, `remote-networks` | `cloudNetworkCIDRs`, `peerNetworkCIDRs` |
//! | tunnel | secret `pre-shared-key` | `auth: {method: PSK, psk: {key}}` (required on create and update) |
//! | peer | `gateway-id` | parent WireGuard gateway |
//! | peer | `public-key` | `publicKey` |
//! | peer | `endpoint` (`host[:port]`) | `endpoint: {host, port}` |
//! | peer | `allowed-networks` | `allowedIPs` |
//!
//! Gateway `connections` (data center, LAN, LAN address), `listenPort`, `tier`,
//! `maintenanceWindow`, and tunnel `ike`/`esp` come from `properties`; tunnels get empty `ike`
//! and `esp` objects when none are given, which IONOS fills with its defaults.

mod api;
mod catalog;
mod child;
mod describe;
mod gateways;
mod peers;
mod records;
mod tunnels;

use portico_adapter_sdk::{
    Adapter, Description, Gateway, GatewayPage, GatewaySpec, Gateways, Json, Locator, Mappings,
    Operation, Operations, Outcome, Peer, PeerPage, PeerSpec, Peers, Query, Result, SecretInput,
    Tunnel, TunnelPage, TunnelSpec, Tunnels,
};

use crate::catalog::CATALOGUE;

/// The IONOS VPN adapter.
pub struct IonosVpn;

impl Adapter for IonosVpn {
    fn describe() -> Description {
        describe::description()
    }
}

impl Gateways for IonosVpn {
    fn list(query: Query) -> Result<GatewayPage> {
        gateways::list(query)
    }
    fn get(target: Locator) -> Result<Gateway> {
        gateways::get(target)
    }
    fn create(spec: GatewaySpec) -> Result<Gateway> {
        gateways::create(spec)
    }
    fn update(target: Locator, spec: GatewaySpec) -> Result<Gateway> {
        gateways::update(target, spec)
    }
    fn delete(target: Locator) -> Result<()> {
        gateways::delete(target)
    }
}

impl Tunnels for IonosVpn {
    fn list(query: Query) -> Result<TunnelPage> {
        tunnels::TUNNELS.list(query)
    }
    fn get(target: Locator) -> Result<Tunnel> {
        tunnels::TUNNELS.get(target)
    }
    fn create(spec: TunnelSpec) -> Result<Tunnel> {
        tunnels::TUNNELS.create(spec)
    }
    fn update(target: Locator, spec: TunnelSpec) -> Result<Tunnel> {
        tunnels::TUNNELS.update(target, spec)
    }
    fn delete(target: Locator) -> Result<()> {
        tunnels::TUNNELS.delete(target)
    }
}

impl Peers for IonosVpn {
    fn list(query: Query) -> Result<PeerPage> {
        peers::PEERS.list(query)
    }
    fn get(target: Locator) -> Result<Peer> {
        peers::PEERS.get(target)
    }
    fn create(spec: PeerSpec) -> Result<Peer> {
        peers::PEERS.create(spec)
    }
    fn update(target: Locator, spec: PeerSpec) -> Result<Peer> {
        peers::PEERS.update(target, spec)
    }
    fn delete(target: Locator) -> Result<()> {
        peers::PEERS.delete(target)
    }
}

/// IONOS has nothing that fits the mapping noun.
impl Mappings for IonosVpn {}

impl Operations for IonosVpn {
    fn catalog() -> Vec<Operation> {
        CATALOGUE.catalog()
    }

    /// Secret placeholders are already inside `body`, where the user wrote them.
    fn invoke(
        name: String,
        params: Vec<(String, String)>,
        body: Option<Json>,
        cursor: Option<String>,
        _secrets: Vec<SecretInput>,
    ) -> Result<Outcome> {
        CATALOGUE.invoke(
            &api::api()?,
            &name,
            &params,
            body.as_deref(),
            cursor.as_deref(),
        )
    }
}

portico_adapter_sdk::export!(IonosVpn);

#[cfg(test)]
mod tests;
