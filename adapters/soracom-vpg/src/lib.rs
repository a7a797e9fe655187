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
//! The modules say how each noun maps spec fields to Soracom fields, and what `clear`, labels
//! and filters do: `gateways`, `peers`, `mappings` and `records`. VPGs are labelled with their
//! tags; peers and mappings have neither labels nor filters. Names are tags and not unique, so
//! a VPG create whose outcome is unknown cannot be looked up; peers and IP address map entries
//! are named by their spec (an address, a key) and are looked up with `get`. `openGate` is the
//! one operation whose body is optional; invoked without one it sends `{}` (Gate's defaults).

mod api;
mod catalog;
mod describe;
mod gateways;
mod mappings;
mod peers;
mod records;

portico_adapter_sdk::export!(SoracomVpg {
    describe: describe::description,
    gateways: gateways::GATEWAYS,
    peers: peers::PEERS,
    mappings: mappings::MAPPINGS,
    operations: catalog::CATALOGUE,
});

#[cfg(test)]
mod tests;
