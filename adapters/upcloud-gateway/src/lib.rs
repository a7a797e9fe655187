//! portico adapter for UpCloud network gateways (API 1.3).
//!
//! Nouns: `gateway` (network gateways, kinds `vpn` and `nat`) and `tunnel` (a gateway's VPN
//! connections, kind `ipsec`: static routes plus one IPSec tunnel per remote peer, shown
//! together in the record and its `raw` document). Every one of the API's seventeen gateway
//! operations (plans, gateways, metrics, connections, connection tunnels) is in the operation
//! catalogue under the UpCloud Go client's method name. Requests go to
//! `https://api.upcloud.com/1.3` (or the profile's `endpoint` + `/1.3`) and name the credential
//! `upcloud`, which the host applies as a bearer token or as basic authentication, whichever the
//! stored credential holds.
//!
//! # Spec fields
//!
//! `properties` is the start of the request body (UpCloud field names); typed fields then win
//! over it. Typed fields left unset, blank or empty are not sent, which for an update (a PATCH)
//! means "keep".
//!
//! | noun | spec field | UpCloud field |
//! |---|---|---|
//! | gateway | `kind` | `features: [kind]` (unless `properties.features` is set; then they must agree) |
//! | gateway | `name` | `name` |
//! | gateway | — | `zone` from `properties` or the profile setting `zone`; `configured_status` defaults to `started` |
//! | gateway | `labels` | `labels` (set over the current ones by key on update; `clear` empties them) |
//! | gateway | `description`, `public-address`, `networks` | refused: no such fields (addresses are named in `properties.addresses`) |
//! | tunnel | `parent-id` | parent gateway `{uuid}` (required) |
//! | tunnel | `name` | `name` (fixed once created) |
//! | tunnel | `local-networks`, `remote-networks` | `local_routes`, `remote_routes` (static; new routes are named `local-route`, `local-route-2`, …, a kept network keeps its route's name) |
//! | tunnel | `remote-address` (`a,b,…`) | one tunnel per address, named `<connection>-tunnel`, `-2`, …, `local_address` = the gateway's first address; on update the current tunnels are kept in order and re-addressed |
//! | tunnel, gateway | secret `pre-shared-key` | `ipsec.authentication: {authentication: psk, psk}` of every tunnel that names no key |
//!
//! Record states: a gateway's `operational_state` `pending`/`setup-*`/`checkup` is provisioning
//! (updating once changed after creation), `running` is available (inactive when stopped),
//! `delete-*` deleting. A connection has no state; it shows the worst of its tunnels' states
//! (`idle` is inactive, `established` available, `connecting` provisioning), their words joined
//! with `,` as the provider state.
//!
//! Gateway lists filter by `label`; tunnel lists take no filters. UpCloud does not say that
//! names are unique, so a create whose outcome is unknown cannot be looked up (the error says
//! so).
//!
//! Choices where UpCloud's behaviour is not documented (invented, see the emulator too): a new
//! tunnel without a pre-shared key is refused before sending; a PATCH that re-sends tunnels
//! without keys relies on the API keeping the keys of tunnels it matches by position; the
//! gateway list's `next` cursor exists after every full page (a bare array does not say more).

mod api;
mod catalog;
mod describe;
mod gateways;
mod ipsec;
mod records;
mod tunnels;

portico_adapter_sdk::export!(UpcloudGateway {
    describe: describe::description,
    gateways: gateways::GATEWAYS,
    tunnels: tunnels::TUNNELS,
    operations: catalog::CATALOGUE,
});

#[cfg(test)]
mod fixtures;
#[cfg(test)]
mod tests;
