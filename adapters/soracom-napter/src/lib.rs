//! portico adapter for Soracom Napter On-Demand Remote Access (`/port_mappings`).
//!
//! A Napter entry publishes a temporary, source-restricted TCP endpoint `ipAddress:port` that
//! forwards to a port of a device behind a Soracom SIM (Air) or virtual SIM (Arc), and removes
//! itself after `duration` seconds. Entries are the `mapping` noun (kind `port-mapping`); the
//! six operations tagged `PortMapping` are also in the operation catalogue under their
//! operationIds.
//!
//! Requests go to `https://api.soracom.io/v1` (`coverage` `jp`, the default) or
//! `https://g.api.soracom.io/v1` (`g`), their `api-sandbox` twins when `sandbox` is `true`, or
//! the profile's `endpoint` origin plus `/v1`. Every request names the credential `soracom`
//! (fields `auth-key-id`, `auth-key`), which the host exchanges at `POST /v1/auth` for the API
//! key and token it sends as `X-Soracom-API-Key` / `X-Soracom-Token`; the adapter never sees
//! either.
//!
//! # Creating a mapping
//!
//! | spec field | meaning | Soracom field |
//! |---|---|---|
//! | `destination` | `sim:<simId>[:port]` or `imsi:<imsi>[:port]`: the device and its port | `destination.simId` / `destination.imsi`, `destination.port` |
//! | `allowed-networks` | CIDRs (IPv4 or IPv6, with a prefix length) allowed to connect | `source.ipRanges` |
//! | `properties.simId`, `properties.imsi`, `properties.port` | the same as in `destination` | `destination.*` |
//! | `properties.service` | `air` or `arc`: which session of the SIM; SIM ids only | `destination.service` |
//! | `properties.duration` | seconds the entry lives, 1 to 28800 (8 hours) | `duration` |
//! | `properties.tlsRequired` | `true`: Soracom terminates TLS on the public side | `tlsRequired` |
//! | `kind` | must be `port-mapping` when given | — |
//!
//! Entries are top-level: a `parent-id` is refused (the SIM is named in `destination`, and
//! lists filter by it). Where several fields name the SIM id, IMSI or port they must agree. Exactly one of a SIM id
//! and an IMSI is required, and a port. Numbers may be given as JSON numbers or strings of
//! digits. `name` and `source` are refused (entries have no name, and Soracom picks the public
//! endpoint), and so is any other `properties` key. Every rule is checked before a request is
//! sent; a refusal is `invalid-input` naming the field. Entries are always created with
//! `POST /port_mappings` (a SIM id goes in `destination.simId`); `createPortMappingForSim` is
//! reachable through the catalogue. Without `service` Soracom picks an online session of the
//! SIM (`DYNAMIC`); without `duration` Soracom's own default applies (unknown to us).
//!
//! # Records
//!
//! The id is the public endpoint `ipAddress:port` (`[ipAddress]:port` for IPv6): Napter has no
//! other id, no GET by id and no update. `get` therefore walks every page of the list,
//! `delete` calls `DELETE /port_mappings/{ip_address}/{port}`, and `update` is not implemented
//! (not declared; called anyway, it answers `unsupported`). `state` is
//! `available` (provider state `active`), or `inactive` (`expired`) when the entry says
//! `expired: true`. `source` is `hostname:port` (or the endpoint), `destination` the device in
//! the create syntax, `allowed-networks` the `source.ipRanges`, and the times come from
//! `createdTime` / `expiredTime` (Unix ms). Entries have no labels and no name, so a create
//! whose outcome is unknown cannot be looked up again: the error says so.
//!
//! # Lists
//!
//! Without filters, `list` pages through `GET /port_mappings`: `page.limit` becomes `limit` (none
//! sent when absent) and the cursor wraps the `x-soracom-next-key` header, sent back as
//! `last_evaluated_key`. Filter `sim-id` lists `GET /port_mappings/sims/{sim_id}`
//! and filter `imsi` lists `GET /port_mappings/subscribers/{imsi}` (entries created by IMSI
//! only), in one page; those two answer 404 when there are no entries, which is an empty list.
//! Any other filter key is refused (`invalid-input`, field `filters.KEY`).
//!
//! # Errors
//!
//! Soracom's flat `{"code", "message"}` body (or its `{"errorMessage": {...}}` wrapper) becomes
//! the error variant of the HTTP status, with the message and the code kept.
//!
//! Invented where the facts are silent: the kind name `port-mapping`; refusing `service` with an
//! IMSI; the `sim-id` / `imsi` filter names; not clamping `limit` (Soracom states no maximum).

mod api;
mod catalog;
mod describe;
mod mappings;
mod records;
mod spec;

portico_adapter_sdk::export!(SoracomNapter {
    describe: describe::description,
    mappings: mappings::MAPPINGS,
    operations: catalog::CATALOGUE,
});

#[cfg(test)]
mod tests;
