//! Every operation of the IONOS VPN Gateway API, named as the IONOS SDKs name them.
//!
//! The noun code builds its requests from this table too, so path templates live in one place.

use portico_adapter_sdk::Method;
use portico_adapter_sdk::operations::{Catalogue, OperationDef, ParamDef};

use crate::api;

/// The catalogue, reached through the profile's regional endpoint and paginated through
/// `_links.next`.
pub static CATALOGUE: Catalogue = Catalogue::new(OPERATIONS)
    .with_api(api::api)
    .with_next_page(api::next_page);

const GATEWAY_ID: ParamDef = ParamDef::path("gatewayId", "Id (UUID) of the gateway.");
const PEER_ID: ParamDef = ParamDef::path("peerId", "Id (UUID) of the WireGuard peer.");
const TUNNEL_ID: ParamDef = ParamDef::path("tunnelId", "Id (UUID) of the IPSec tunnel.");
const OFFSET: ParamDef = ParamDef::query(
    "offset",
    false,
    "Number of items to skip before the first one returned (default 0).",
);
const LIMIT: ParamDef = ParamDef::query(
    "limit",
    false,
    "Largest number of items to return, 1 to 1000 (default 100).",
);

const WG: &str = "/wireguardgateways";
const WG_ONE: &str = "/wireguardgateways/{gatewayId}";
const WG_PEERS: &str = "/wireguardgateways/{gatewayId}/peers";
const WG_PEER: &str = "/wireguardgateways/{gatewayId}/peers/{peerId}";
const IPSEC: &str = "/ipsecgateways";
const IPSEC_ONE: &str = "/ipsecgateways/{gatewayId}";
const IPSEC_TUNNELS: &str = "/ipsecgateways/{gatewayId}/tunnels";
const IPSEC_TUNNEL: &str = "/ipsecgateways/{gatewayId}/tunnels/{tunnelId}";

/// The twenty operations.
pub static OPERATIONS: &[OperationDef] = &[
    OperationDef::paged_get(
        "WireguardgatewaysGet",
        WG,
        "List the WireGuard gateways of the region, one page at a time.",
        &[OFFSET, LIMIT],
    ),
    OperationDef::new(
        "WireguardgatewaysPost",
        Method::Post,
        WG,
        "Create a WireGuard gateway from {properties} (name, gatewayIP, connections, privateKey, ...).",
        &[],
    ),
    OperationDef::new(
        "WireguardgatewaysFindById",
        Method::Get,
        WG_ONE,
        "Read one WireGuard gateway.",
        &[GATEWAY_ID],
    ),
    OperationDef::new(
        "WireguardgatewaysPut",
        Method::Put,
        WG_ONE,
        "Replace a WireGuard gateway with {id, properties}, creating it under that id if absent; omitted fields reset.",
        &[GATEWAY_ID],
    ),
    OperationDef::new(
        "WireguardgatewaysDelete",
        Method::Delete,
        WG_ONE,
        "Delete a WireGuard gateway (accepted, then removed in the background).",
        &[GATEWAY_ID],
    ),
    OperationDef::paged_get(
        "WireguardgatewaysPeersGet",
        WG_PEERS,
        "List the peers of a WireGuard gateway, one page at a time.",
        &[GATEWAY_ID, OFFSET, LIMIT],
    ),
    OperationDef::new(
        "WireguardgatewaysPeersPost",
        Method::Post,
        WG_PEERS,
        "Add a peer (name, publicKey, allowedIPs, endpoint) to a WireGuard gateway.",
        &[GATEWAY_ID],
    ),
    OperationDef::new(
        "WireguardgatewaysPeersFindById",
        Method::Get,
        WG_PEER,
        "Read one peer of a WireGuard gateway.",
        &[GATEWAY_ID, PEER_ID],
    ),
    OperationDef::new(
        "WireguardgatewaysPeersPut",
        Method::Put,
        WG_PEER,
        "Replace a WireGuard peer with {id, properties}, creating it under that id if absent.",
        &[GATEWAY_ID, PEER_ID],
    ),
    OperationDef::new(
        "WireguardgatewaysPeersDelete",
        Method::Delete,
        WG_PEER,
        "Remove a peer from a WireGuard gateway.",
        &[GATEWAY_ID, PEER_ID],
    ),
    OperationDef::paged_get(
        "IpsecgatewaysGet",
        IPSEC,
        "List the IPSec gateways of the region, one page at a time.",
        &[OFFSET, LIMIT],
    ),
    OperationDef::new(
        "IpsecgatewaysPost",
        Method::Post,
        IPSEC,
        "Create an IPSec (IKEv2) gateway from {properties} (name, gatewayIP, connections, ...).",
        &[],
    ),
    OperationDef::new(
        "IpsecgatewaysFindById",
        Method::Get,
        IPSEC_ONE,
        "Read one IPSec gateway.",
        &[GATEWAY_ID],
    ),
    OperationDef::new(
        "IpsecgatewaysPut",
        Method::Put,
        IPSEC_ONE,
        "Replace an IPSec gateway with {id, properties}, creating it under that id if absent; omitted fields reset.",
        &[GATEWAY_ID],
    ),
    OperationDef::new(
        "IpsecgatewaysDelete",
        Method::Delete,
        IPSEC_ONE,
        "Delete an IPSec gateway (accepted, then removed in the background).",
        &[GATEWAY_ID],
    ),
    OperationDef::paged_get(
        "IpsecgatewaysTunnelsGet",
        IPSEC_TUNNELS,
        "List the tunnels of an IPSec gateway, one page at a time.",
        &[GATEWAY_ID, OFFSET, LIMIT],
    ),
    OperationDef::new(
        "IpsecgatewaysTunnelsPost",
        Method::Post,
        IPSEC_TUNNELS,
        "Add a tunnel (remoteHost, auth, ike, esp, cloud and peer CIDRs) to an IPSec gateway.",
        &[GATEWAY_ID],
    ),
    OperationDef::new(
        "IpsecgatewaysTunnelsFindById",
        Method::Get,
        IPSEC_TUNNEL,
        "Read one tunnel of an IPSec gateway.",
        &[GATEWAY_ID, TUNNEL_ID],
    ),
    OperationDef::new(
        "IpsecgatewaysTunnelsPut",
        Method::Put,
        IPSEC_TUNNEL,
        "Replace an IPSec tunnel with {id, properties}, creating it under that id if absent.",
        &[GATEWAY_ID, TUNNEL_ID],
    ),
    OperationDef::new(
        "IpsecgatewaysTunnelsDelete",
        Method::Delete,
        IPSEC_TUNNEL,
        "Remove a tunnel from an IPSec gateway.",
        &[GATEWAY_ID, TUNNEL_ID],
    ),
];

#[cfg(test)]
mod tests {
    use super::*;
    use portico_adapter_sdk::Location;

    #[test]
    fn twenty_well_formed_operations() {
        assert_eq!(
            portico_adapter_sdk::testing::assert_catalogue(&CATALOGUE),
            20
        );
    }

    #[test]
    fn collection_gets_page_and_writes_take_bodies() {
        let paged: Vec<&str> = OPERATIONS
            .iter()
            .filter(|o| o.paginated)
            .map(|o| o.name)
            .collect();
        assert_eq!(
            paged,
            [
                "WireguardgatewaysGet",
                "WireguardgatewaysPeersGet",
                "IpsecgatewaysGet",
                "IpsecgatewaysTunnelsGet"
            ]
        );
        for op in OPERATIONS {
            assert_eq!(
                op.takes_body,
                matches!(op.method, Method::Post | Method::Put),
                "{}",
                op.name
            );
            if op.paginated {
                assert!(
                    op.params
                        .iter()
                        .any(|p| p.name == "offset" && p.location == Location::Query)
                );
            }
        }
    }
}
