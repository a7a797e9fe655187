//! portico adapter for the Soracom Virtual Private Gateway (VPG) API.
//!
//! Nouns: `gateway` (VPGs, kind `vpg`), `peer` (Gate peers, kind `gate`, and Junction mirroring
//! peers, kind `mirroring`) and `mapping` (IP address map entries, kind `ip-address-map`, and
//! customer routes, kind `customer-route`); peers and mappings belong to a VPG, their parent.
//! Soracom has no tunnel: Canal, Direct and Door are VPG attributes, reached through the
//! catalogue. Every one of the 49 operations tagged `VirtualPrivateGateway` in the official spec
//! is in the operation catalogue under its `operationId`.
//!
//! Requests go to `https://api.soracom.io/v1` (profile setting `coverage=jp`, the default),
//! `https://g.api.soracom.io/v1` (`coverage=g`), their `api-sandbox` twins (`sandbox=true`), or
//! the profile's `endpoint` origin plus `/v1`. Every request names the credential `soracom`: the
//! host exchanges its AuthKey pair at `POST /v1/auth` for an API key and token and sends them as
//! `X-Soracom-API-Key` and `X-Soracom-Token`; the adapter never sees either, and sends no
//! `X-Soracom-*` header itself (so not `X-Soracom-Lang` either: messages come in English, the
//! API's default).
//!
//! The three paginated list operations continue through the `x-soracom-next-key` response header
//! and the `last_evaluated_key` query parameter. Error bodies are Soracom's flat
//! `{"code", "message"}`; the code is kept in the error's `problem`.
//!
//! The modules say how each noun maps spec fields to Soracom fields: `gateways`, `peers`,
//! `mappings` and `records`. `openGate` is the one operation whose body is optional; invoked
//! without one it sends `{}` (Gate's defaults).

mod api;
mod catalog;
mod describe;
mod gateways;
mod mappings;
mod peers;
mod records;

use portico_adapter_sdk::{
    Adapter, Description, Gateway, GatewayPage, GatewaySpec, Gateways, Json, Locator, Mapping,
    MappingPage, MappingSpec, Mappings, Operation, Operations, Outcome, Peer, PeerPage, PeerSpec,
    Peers, Query, Result, SecretInput, Tunnels,
};

use crate::catalog::{CATALOGUE, OPTIONAL_BODY};

/// The Soracom VPG adapter.
pub struct SoracomVpg;

impl Adapter for SoracomVpg {
    fn describe() -> Description {
        describe::description()
    }
}

impl Gateways for SoracomVpg {
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

/// Soracom has no tunnel resource: Canal, Direct and Door are VPG attributes.
impl Tunnels for SoracomVpg {}

impl Peers for SoracomVpg {
    fn list(query: Query) -> Result<PeerPage> {
        peers::list(query)
    }
    fn get(target: Locator) -> Result<Peer> {
        peers::get(target)
    }
    fn create(spec: PeerSpec) -> Result<Peer> {
        peers::create(spec)
    }
    fn update(target: Locator, spec: PeerSpec) -> Result<Peer> {
        peers::update(target, spec)
    }
    fn delete(target: Locator) -> Result<()> {
        peers::delete(target)
    }
}

impl Mappings for SoracomVpg {
    fn list(query: Query) -> Result<MappingPage> {
        mappings::list(query)
    }
    fn get(target: Locator) -> Result<Mapping> {
        mappings::get(target)
    }
    fn create(spec: MappingSpec) -> Result<Mapping> {
        mappings::create(spec)
    }
    fn update(target: Locator, spec: MappingSpec) -> Result<Mapping> {
        mappings::update(target, spec)
    }
    fn delete(target: Locator) -> Result<()> {
        mappings::delete(target)
    }
}

impl Operations for SoracomVpg {
    fn catalog() -> Vec<Operation> {
        CATALOGUE.catalog()
    }

    /// The VPG API takes no secret inputs; placeholders would already be inside `body`.
    fn invoke(
        name: String,
        params: Vec<(String, String)>,
        body: Option<Json>,
        cursor: Option<String>,
        _secrets: Vec<SecretInput>,
    ) -> Result<Outcome> {
        let body = match body {
            None if OPTIONAL_BODY.contains(&name.as_str()) => Some("{}".to_owned()),
            other => other,
        };
        CATALOGUE.invoke(
            &api::api()?,
            &name,
            &params,
            body.as_deref(),
            cursor.as_deref(),
        )
    }
}

portico_adapter_sdk::export!(SoracomVpg);

#[cfg(test)]
mod tests;
