//! portico adapter for the Samsung Cloud Platform (SCP v2) VPN API, versions 1.1 and 1.0.
//!
//! Nouns: `gateway` (VPN gateways) and `tunnel` (VPN tunnels), both of kind `ipsec`; all
//! thirteen operations of the API are in the catalogue under the spec's operation ids.
//! Requests go to `https://vpn.<region>.<environment>.samsungsdscloud.com` (or the profile's
//! `endpoint`) and ask for the profile's `api-version` (`Scp-API-Version: vpn 1.1` by default).
//!
//! Every request is signed (see [`api`]): the adapter reads the non-secret access key and
//! account id through `credentials.identity`, builds the string to sign, and has the host put
//! the HMAC in `Scp-Signature`. Creates, tunnel updates and deletes are accepted by SCP with 202
//! and finish in the background (`CREATING`/`EDITING`/`DELETING`); the host's `--wait` polls
//! `get` until the resource is `ACTIVE` or gone. Lists page with SCP's `page`/`size` behind an
//! opaque cursor; `count` in a list answer is read as the total.

mod api;
mod catalog;
mod describe;
mod gateways;
mod list;
mod records;
mod tunnels;

use portico_adapter_sdk::{
    Adapter, Description, Gateway, GatewayPage, GatewaySpec, Gateways, Json, Locator, Mappings,
    Operation, Operations, Outcome, Peers, Query, Result, SecretInput, Tunnel, TunnelPage,
    TunnelSpec, Tunnels,
};

/// The SCP VPN adapter.
pub struct ScpVpn;

impl Adapter for ScpVpn {
    fn describe() -> Description {
        describe::description()
    }
}

impl Gateways for ScpVpn {
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

impl Tunnels for ScpVpn {
    fn list(query: Query) -> Result<TunnelPage> {
        tunnels::list(query)
    }
    fn get(target: Locator) -> Result<Tunnel> {
        tunnels::get(target)
    }
    fn create(spec: TunnelSpec) -> Result<Tunnel> {
        tunnels::create(spec)
    }
    fn update(target: Locator, spec: TunnelSpec) -> Result<Tunnel> {
        tunnels::update(target, spec)
    }
    fn delete(target: Locator) -> Result<()> {
        tunnels::delete(target)
    }
}

/// SCP VPN has no peers: a tunnel names its peer by address.
impl Peers for ScpVpn {}

/// SCP VPN has nothing that fits the mapping noun.
impl Mappings for ScpVpn {}

impl Operations for ScpVpn {
    fn catalog() -> Vec<Operation> {
        api::CATALOGUE.catalog()
    }

    /// Secret placeholders are already inside `body`, where the user wrote them.
    fn invoke(
        name: String,
        params: Vec<(String, String)>,
        body: Option<Json>,
        cursor: Option<String>,
        _secrets: Vec<SecretInput>,
    ) -> Result<Outcome> {
        api::client()?.invoke(&name, &params, body.as_deref(), cursor.as_deref())
    }
}

portico_adapter_sdk::export!(ScpVpn);
