//! Every operation of the UpCloud network gateway API, named after the UpCloud Go client's
//! service methods.
//!
//! Paths are relative to `<origin>/1.3`. The noun code builds its requests from this table too,
//! so path templates live in one place. `CreateGatewayConnection` keeps the trailing `/` the Go
//! client sends (and the API answers); every other path has none.

use portico_adapter_sdk::Method;
use portico_adapter_sdk::operations::{Catalogue, OperationDef, ParamDef};

use crate::api;

/// The catalogue, reached through the profile's endpoint. `GetGateways` is paginated by
/// `limit`/`offset`; its `next` cursor is worked out from the request and the number of items
/// answered (see `crate::api::next_gateways_page`), because a bare JSON array does not say
/// whether more pages follow.
pub static CATALOGUE: Catalogue = Catalogue::new(OPERATIONS)
    .with_api(api::api)
    .with_next_page(api::next_gateways_page);

/// `GetGatewayPlans`.
pub const GET_PLANS: &str = "GetGatewayPlans";
/// `GetGateways`.
pub const GET_GATEWAYS: &str = "GetGateways";
/// `GetGateway`.
pub const GET_GATEWAY: &str = "GetGateway";
/// `CreateGateway`.
pub const CREATE_GATEWAY: &str = "CreateGateway";
/// `ModifyGateway`.
pub const MODIFY_GATEWAY: &str = "ModifyGateway";
/// `DeleteGateway`.
pub const DELETE_GATEWAY: &str = "DeleteGateway";
/// `GetGatewayMetrics`.
pub const GET_METRICS: &str = "GetGatewayMetrics";
/// `GetGatewayConnections`.
pub const GET_CONNECTIONS: &str = "GetGatewayConnections";
/// `CreateGatewayConnection`.
pub const CREATE_CONNECTION: &str = "CreateGatewayConnection";
/// `GetGatewayConnection`.
pub const GET_CONNECTION: &str = "GetGatewayConnection";
/// `ModifyGatewayConnection`.
pub const MODIFY_CONNECTION: &str = "ModifyGatewayConnection";
/// `DeleteGatewayConnection`.
pub const DELETE_CONNECTION: &str = "DeleteGatewayConnection";
/// `GetGatewayConnectionTunnels`.
pub const GET_TUNNELS: &str = "GetGatewayConnectionTunnels";
/// `CreateGatewayConnectionTunnel`.
pub const CREATE_TUNNEL: &str = "CreateGatewayConnectionTunnel";
/// `GetGatewayConnectionTunnel`.
pub const GET_TUNNEL: &str = "GetGatewayConnectionTunnel";
/// `ModifyGatewayConnectionTunnel`.
pub const MODIFY_TUNNEL: &str = "ModifyGatewayConnectionTunnel";
/// `DeleteGatewayConnectionTunnel`.
pub const DELETE_TUNNEL: &str = "DeleteGatewayConnectionTunnel";

/// Path parameter naming the gateway.
pub const UUID: &str = "uuid";
/// Path parameter naming a VPN connection.
pub const CONN_UUID: &str = "conn_uuid";
/// Path parameter naming an IPSec tunnel of a connection.
pub const TUNNEL_UUID: &str = "tunnel_uuid";

const GATEWAY: ParamDef = ParamDef::path(UUID, "UUID of the network gateway.");
const CONNECTION: ParamDef = ParamDef::path(CONN_UUID, "UUID of the VPN connection.");
const TUNNEL: ParamDef = ParamDef::path(TUNNEL_UUID, "UUID of the IPSec tunnel.");
const LIMIT: ParamDef = ParamDef::query(
    "limit",
    false,
    "Largest number of gateways to return, 0 to 100 (the API's default is 10).",
);
const OFFSET: ParamDef = ParamDef::query(
    "offset",
    false,
    "Number of gateways to skip before the first one returned (default 0).",
);
const LABEL: ParamDef = ParamDef::query(
    "label",
    false,
    "Only gateways with this label: `key=value`, or `key` for any value (repeatable).",
);

const GATEWAYS: &str = "/gateway";
const ONE_GATEWAY: &str = "/gateway/{uuid}";
const CONNECTIONS: &str = "/gateway/{uuid}/connections";
const ONE_CONNECTION: &str = "/gateway/{uuid}/connections/{conn_uuid}";
const TUNNELS: &str = "/gateway/{uuid}/connections/{conn_uuid}/tunnels";
const ONE_TUNNEL: &str = "/gateway/{uuid}/connections/{conn_uuid}/tunnels/{tunnel_uuid}";

/// The seventeen operations.
pub static OPERATIONS: &[OperationDef] = &[
    OperationDef::new(
        GET_PLANS,
        Method::Get,
        "/gateway/plans",
        "List the gateway plans: supported features, VPN tunnel allowance, bandwidth.",
        &[],
    ),
    OperationDef::paged_get(
        GET_GATEWAYS,
        GATEWAYS,
        "List network gateways, one page at a time, optionally by label.",
        &[LIMIT, OFFSET, LABEL],
    ),
    OperationDef::new(
        GET_GATEWAY,
        Method::Get,
        ONE_GATEWAY,
        "Read one network gateway, its addresses and its VPN connections.",
        &[GATEWAY],
    ),
    OperationDef::new(
        CREATE_GATEWAY,
        Method::Post,
        GATEWAYS,
        "Create a gateway: name, zone, features (nat, vpn), routers, plan, addresses, connections.",
        &[],
    ),
    OperationDef::new(
        MODIFY_GATEWAY,
        Method::Patch,
        ONE_GATEWAY,
        "Change name, plan, configured_status or labels; `connections` replaces all connections.",
        &[GATEWAY],
    ),
    OperationDef::new(
        DELETE_GATEWAY,
        Method::Delete,
        ONE_GATEWAY,
        "Delete a gateway (accepted at once, torn down in the background).",
        &[GATEWAY],
    ),
    OperationDef::new(
        GET_METRICS,
        Method::Get,
        "/gateway/{uuid}/metrics",
        "Read a gateway's connection counters and IPSec SA metrics.",
        &[GATEWAY],
    ),
    OperationDef::new(
        GET_CONNECTIONS,
        Method::Get,
        CONNECTIONS,
        "List the VPN connections of a gateway, with their routes and tunnels.",
        &[GATEWAY],
    ),
    OperationDef::new(
        CREATE_CONNECTION,
        Method::Post,
        "/gateway/{uuid}/connections/",
        "Add a VPN connection (name, type ipsec, local/remote routes, tunnels) to a gateway.",
        &[GATEWAY],
    ),
    OperationDef::new(
        GET_CONNECTION,
        Method::Get,
        ONE_CONNECTION,
        "Read one VPN connection.",
        &[GATEWAY, CONNECTION],
    ),
    OperationDef::new(
        MODIFY_CONNECTION,
        Method::Patch,
        ONE_CONNECTION,
        "Replace a connection's local routes, remote routes and/or tunnels (name and type are fixed).",
        &[GATEWAY, CONNECTION],
    ),
    OperationDef::new(
        DELETE_CONNECTION,
        Method::Delete,
        ONE_CONNECTION,
        "Remove a VPN connection and its tunnels.",
        &[GATEWAY, CONNECTION],
    ),
    OperationDef::new(
        GET_TUNNELS,
        Method::Get,
        TUNNELS,
        "List the IPSec tunnels of a connection.",
        &[GATEWAY, CONNECTION],
    ),
    OperationDef::new(
        CREATE_TUNNEL,
        Method::Post,
        TUNNELS,
        "Add an IPSec tunnel (name, local_address, remote_address, ipsec) to a connection.",
        &[GATEWAY, CONNECTION],
    ),
    OperationDef::new(
        GET_TUNNEL,
        Method::Get,
        ONE_TUNNEL,
        "Read one IPSec tunnel.",
        &[GATEWAY, CONNECTION, TUNNEL],
    ),
    OperationDef::new(
        MODIFY_TUNNEL,
        Method::Patch,
        ONE_TUNNEL,
        "Change a tunnel's name, addresses or IPSec settings (fields not sent are kept).",
        &[GATEWAY, CONNECTION, TUNNEL],
    ),
    OperationDef::new(
        DELETE_TUNNEL,
        Method::Delete,
        ONE_TUNNEL,
        "Remove an IPSec tunnel from a connection.",
        &[GATEWAY, CONNECTION, TUNNEL],
    ),
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn seventeen_well_formed_operations() {
        assert_eq!(
            portico_adapter_sdk::testing::assert_catalogue(&CATALOGUE),
            17
        );
    }

    #[test]
    fn writes_take_bodies_and_only_the_gateway_list_pages() {
        for op in OPERATIONS {
            assert_eq!(
                op.takes_body,
                matches!(op.method, Method::Post | Method::Patch),
                "{}",
                op.name
            );
            assert_eq!(op.paginated, op.name == GET_GATEWAYS, "{}", op.name);
            assert!(!op.path.starts_with("/1.3"), "{}", op.name);
        }
    }
}
