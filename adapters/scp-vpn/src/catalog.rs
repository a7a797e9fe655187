//! Every operation of the SCP VPN API (versions 1.0 and 1.1 share paths), named by the spec's
//! operation ids. The noun code builds its requests from this table too.

use portico_adapter_sdk::Method;
use portico_adapter_sdk::operations::{OperationDef, ParamDef};

const GATEWAY_ID: ParamDef = ParamDef::path("vpn_gateway_id", "Id of the VPN gateway (32 hex).");
const TUNNEL_ID: ParamDef = ParamDef::path("vpn_tunnel_id", "Id of the VPN tunnel (32 hex).");
const SIZE: ParamDef = ParamDef::query("size", false, "Items per page (default 20).");
const PAGE: ParamDef = ParamDef::query("page", false, "Zero-based page number (default 0).");
const SORT: ParamDef = ParamDef::query("sort", false, "Sort order, e.g. `created_at:desc`.");
const NAME: ParamDef = ParamDef::query("name", false, "Only items whose name contains this.");

/// Path of the gateway collection.
pub const GATEWAYS: &str = "/v1/vpn-gateways";
const GATEWAY: &str = "/v1/vpn-gateways/{vpn_gateway_id}";
const TUNNELS: &str = "/v1/vpn-tunnels";
const TUNNEL: &str = "/v1/vpn-tunnels/{vpn_tunnel_id}";

/// The thirteen operations.
pub static OPERATIONS: &[OperationDef] = &[
    OperationDef::paged_get(
        "listVpnGateways",
        GATEWAYS,
        "List VPN gateways, one page at a time.",
        &[
            SIZE,
            PAGE,
            SORT,
            NAME,
            ParamDef::query("ip_address", false, "Only the gateway with this public IP."),
            ParamDef::query("vpc_id", false, "Only gateways of this VPC."),
            ParamDef::query("vpc_name", false, "Only gateways of VPCs with this name."),
        ],
    ),
    OperationDef::new(
        "createVpnGateway",
        Method::Post,
        GATEWAYS,
        "Create a VPN gateway (name, vpc_id, ip_address, ip_id, ip_type, description, tags); 202 Accepted.",
        &[],
    ),
    OperationDef::new(
        "getVpnGatewayQuotas",
        Method::Get,
        "/v1/vpn-gateways/metrics/quotas",
        "Maximum and used number of VPN gateways.",
        &[ParamDef::query("vpc_id", false, "Count only this VPC.")],
    ),
    OperationDef::new(
        "showVpnGateway",
        Method::Get,
        GATEWAY,
        "Read one VPN gateway.",
        &[GATEWAY_ID],
    ),
    OperationDef::new(
        "setVpnGateway",
        Method::Put,
        GATEWAY,
        "Change a VPN gateway's description (the only mutable field).",
        &[GATEWAY_ID],
    ),
    OperationDef::new(
        "deleteVpnGateway",
        Method::Delete,
        GATEWAY,
        "Delete a VPN gateway (202 Accepted; 409 while tunnels use it).",
        &[GATEWAY_ID],
    ),
    OperationDef::paged_get(
        "listVpnTunnels",
        TUNNELS,
        "List VPN tunnels, one page at a time.",
        &[
            SIZE,
            PAGE,
            SORT,
            NAME,
            ParamDef::query("vpn_gateway_id", false, "Only tunnels of this gateway."),
            ParamDef::query(
                "vpn_gateway_name",
                false,
                "Only tunnels of gateways with this name.",
            ),
            ParamDef::query("peer_gateway_ip", false, "Only tunnels to this peer IP."),
            ParamDef::query(
                "remote_subnet",
                false,
                "Only tunnels routing this remote CIDR.",
            ),
        ],
    ),
    OperationDef::new(
        "createVpnTunnel",
        Method::Post,
        TUNNELS,
        "Create a VPN tunnel (name, vpn_gateway_id, phase1 with {{secret:pre-shared-key}}, phase2); 202 Accepted.",
        &[],
    ),
    OperationDef::new(
        "getVpnTunnelQuotas",
        Method::Get,
        "/v1/vpn-tunnels/metrics/quotas",
        "Maximum and used number of VPN tunnels.",
        &[ParamDef::query(
            "vpn_gateway_id",
            false,
            "Count only this gateway.",
        )],
    ),
    OperationDef::new(
        "checkVpnTunnelSubnetAvailabilities",
        Method::Get,
        "/v1/vpn-tunnels/vpn-tunnel-subnet-availabilities",
        "Whether a remote subnet can be used on a gateway (AVAILABLE, DUPLICATE or INVALID).",
        &[
            ParamDef::query("vpn_gateway_id", true, "The gateway."),
            ParamDef::query("remote_subnet", true, "The remote CIDR to check."),
        ],
    ),
    OperationDef::new(
        "showVpnTunnel",
        Method::Get,
        TUNNEL,
        "Read one VPN tunnel, with its link status (UP or DOWN).",
        &[TUNNEL_ID],
    ),
    OperationDef::new(
        "setVpnTunnel",
        Method::Put,
        TUNNEL,
        "Change a VPN tunnel (description, phase1, phase2; partial); 202 Accepted.",
        &[TUNNEL_ID],
    ),
    OperationDef::new(
        "deleteVpnTunnel",
        Method::Delete,
        TUNNEL,
        "Delete a VPN tunnel (202 Accepted).",
        &[TUNNEL_ID],
    ),
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn thirteen_well_formed_operations() {
        assert_eq!(
            portico_adapter_sdk::testing::assert_catalogue(&crate::api::CATALOGUE),
            13
        );
    }

    #[test]
    fn lists_page_and_writes_take_bodies() {
        let paged: Vec<&str> = OPERATIONS
            .iter()
            .filter(|o| o.paginated)
            .map(|o| o.name)
            .collect();
        assert_eq!(paged, ["listVpnGateways", "listVpnTunnels"]);
        for op in OPERATIONS {
            assert_eq!(
                op.takes_body,
                matches!(op.method, Method::Post | Method::Put),
                "{}",
                op.name
            );
        }
    }
}
