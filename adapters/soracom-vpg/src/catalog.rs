//! Every operation of the Soracom API tagged `VirtualPrivateGateway`, named by its `operationId`.
//!
//! Paths are relative to the `/v1` base URL. The noun code builds its requests from this table
//! too, so path templates live in one place.

use portico_adapter_sdk::Method;
use portico_adapter_sdk::operations::{Catalogue, OperationDef, ParamDef};

use crate::api;

/// The catalogue, reached through the profile's Soracom endpoint; paginated operations continue
/// through the `x-soracom-next-key` header.
pub static CATALOGUE: Catalogue = Catalogue::new(OPERATIONS)
    .with_api(api::api)
    .with_next_page(api::next_page);

const VPG_ID: ParamDef = ParamDef::path("vpg_id", "Id of the VPG.");
const ROUTE_ID: ParamDef = ParamDef::path("route_id", "Id of the customer route.");
const OUTER_IP: ParamDef = ParamDef::path(
    "outer_ip_address",
    "Outer IP address of the Gate peer (its id).",
);
const KEY: ParamDef = ParamDef::path(
    "key",
    "Key of the IP address map entry (the IMSI of the IoT SIM).",
);
const IPADDR: ParamDef = ParamDef::path("ipaddr", "IP address of the Junction mirroring peer.");
const SESSION_ID: ParamDef = ParamDef::path("session_id", "Id of the packet capture session.");
const TAG_NAME_PATH: ParamDef = ParamDef::path("tag_name", "Name of the tag to delete.");
const TGW_PEERING_ID: ParamDef = ParamDef::path(
    "soracom_tgw_peering_attachment_id",
    "Id of the transit gateway peering connection.",
);
const TGW_VPC_ATTACHMENT_ID: ParamDef = ParamDef::path(
    "customer_tgw_vpc_attachment_id",
    "Id of the transit gateway VPC attachment.",
);
const PCX_ID: ParamDef = ParamDef::path("pcx_id", "Id of the VPC peering connection.");
const TAG_NAME: ParamDef = ParamDef::query(
    "tag_name",
    false,
    "Only VPGs with a tag of this name (needs `tag_value`).",
);
const TAG_VALUE: ParamDef = ParamDef::query(
    "tag_value",
    false,
    "Only VPGs whose tag `tag_name` has this value.",
);
const TAG_VALUE_MATCH_MODE: ParamDef = ParamDef::query(
    "tag_value_match_mode",
    false,
    "How `tag_value` matches: `exact` (default) or `prefix`.",
);
const LIMIT: ParamDef = ParamDef::query("limit", false, "Largest number of items per page.");
const LAST_EVALUATED_KEY: ParamDef = ParamDef::query(
    "last_evaluated_key",
    false,
    "Key of the last item of the previous page (the `x-soracom-next-key` header).",
);

const VPGS: &str = "/virtual_private_gateways";
const VPG: &str = "/virtual_private_gateways/{vpg_id}";
const ROUTES: &str = "/virtual_private_gateways/{vpg_id}/customer_routes";
const ROUTE: &str = "/virtual_private_gateways/{vpg_id}/customer_routes/{route_id}";
const FIXED_IPS: &str = "/virtual_private_gateways/{vpg_id}/fixed_public_ip_addresses";
const GATE_PEERS: &str = "/virtual_private_gateways/{vpg_id}/gate/peers";
const GATE_PEER: &str = "/virtual_private_gateways/{vpg_id}/gate/peers/{outer_ip_address}";
const IP_MAP: &str = "/virtual_private_gateways/{vpg_id}/ip_address_map";
const IP_MAP_ENTRY: &str = "/virtual_private_gateways/{vpg_id}/ip_address_map/{key}";
const MIRRORING_PEERS: &str = "/virtual_private_gateways/{vpg_id}/junction/mirroring/peers";
const MIRRORING_PEER: &str = "/virtual_private_gateways/{vpg_id}/junction/mirroring/peers/{ipaddr}";
const CAPTURES: &str = "/virtual_private_gateways/{vpg_id}/packet_capture_sessions";
const CAPTURE: &str = "/virtual_private_gateways/{vpg_id}/packet_capture_sessions/{session_id}";
const TGW_PEERINGS: &str = "/virtual_private_gateways/{vpg_id}/transit_gateway_peering_connections";
const TGW_PEERING: &str = "/virtual_private_gateways/{vpg_id}/transit_gateway_peering_connections/{soracom_tgw_peering_attachment_id}";
const TGW_ATTACHMENTS: &str = "/virtual_private_gateways/{vpg_id}/transit_gateway_vpc_attachments";
const TGW_ATTACHMENT: &str = "/virtual_private_gateways/{vpg_id}/transit_gateway_vpc_attachments/{customer_tgw_vpc_attachment_id}";
const PCXS: &str = "/virtual_private_gateways/{vpg_id}/vpc_peering_connections";
const PCX: &str = "/virtual_private_gateways/{vpg_id}/vpc_peering_connections/{pcx_id}";

/// The forty-nine operations, in the order of the official spec.
pub static OPERATIONS: &[OperationDef] = &[
    OperationDef::paged_get(
        "listVirtualPrivateGateways",
        VPGS,
        "List VPGs, optionally only those with a matching tag, one page at a time.",
        &[
            TAG_NAME,
            TAG_VALUE,
            TAG_VALUE_MATCH_MODE,
            LIMIT,
            LAST_EVALUATED_KEY,
        ],
    ),
    OperationDef::new(
        "createVirtualPrivateGateway",
        Method::Post,
        VPGS,
        "Create a VPG from {type (14, 15 or 242), placement, useInternetGateway, deviceSubnetCidrRange, tags}.",
        &[],
    ).with_body(true),
    OperationDef::new(
        "getVirtualPrivateGateway",
        Method::Get,
        VPG,
        "Read one VPG with its Gate, Junction, Canal, Direct and Door settings.",
        &[VPG_ID],
    ).with_body(false),
    OperationDef::new(
        "createCustomerRoute",
        Method::Post,
        ROUTES,
        "Add a customer route {destinationCidr, target} to the VPG's routing table.",
        &[VPG_ID],
    ).with_body(true),
    OperationDef::new(
        "deleteCustomerRoute",
        Method::Delete,
        ROUTE,
        "Remove a customer route from the VPG's routing table.",
        &[VPG_ID, ROUTE_ID],
    ).with_body(false),
    OperationDef::new(
        "updateCustomerRoute",
        Method::Put,
        ROUTE,
        "Change the target {target} of a customer route.",
        &[VPG_ID, ROUTE_ID],
    ).with_body(true),
    OperationDef::new(
        "releaseFixedPublicIpAddresses",
        Method::Delete,
        FIXED_IPS,
        "Disable the fixed global IP address option of the VPG.",
        &[VPG_ID],
    ).with_body(false),
    OperationDef::new(
        "assignFixedPublicIpAddresses",
        Method::Post,
        FIXED_IPS,
        "Enable the fixed global IP address option of the VPG.",
        &[VPG_ID],
    ).with_body(false),
    OperationDef::new(
        "closeGate",
        Method::Post,
        "/virtual_private_gateways/{vpg_id}/gate/close",
        "Close Soracom Gate on the VPG.",
        &[VPG_ID],
    ).with_body(false),
    OperationDef::new(
        "disableGatePrivacySeparator",
        Method::Post,
        "/virtual_private_gateways/{vpg_id}/gate/disable_privacy_separator",
        "Turn off Gate's privacy separator (devices may talk to each other).",
        &[VPG_ID],
    ).with_body(false),
    OperationDef::new(
        "enableGatePrivacySeparator",
        Method::Post,
        "/virtual_private_gateways/{vpg_id}/gate/enable_privacy_separator",
        "Turn on Gate's privacy separator (devices may not talk to each other).",
        &[VPG_ID],
    ).with_body(false),
    OperationDef::new(
        "openGate",
        Method::Post,
        "/virtual_private_gateways/{vpg_id}/gate/open",
        "Open Soracom Gate on the VPG, optionally with {vxlanId, privacySeparatorEnabled} (body optional).",
        &[VPG_ID],
    ).with_default_body("{}"),
    OperationDef::new(
        "listGatePeers",
        Method::Get,
        GATE_PEERS,
        "List the Gate peers registered in the VPG.",
        &[VPG_ID],
    ).with_body(false),
    OperationDef::new(
        "registerGatePeer",
        Method::Post,
        GATE_PEERS,
        "Register a Gate peer {outerIpAddress, innerIpAddress}.",
        &[VPG_ID],
    ).with_body(true),
    OperationDef::new(
        "unregisterGatePeer",
        Method::Delete,
        GATE_PEER,
        "Unregister a Gate peer by its outer IP address.",
        &[VPG_ID, OUTER_IP],
    ).with_body(false),
    OperationDef::new(
        "disableSimBasedRouting",
        Method::Post,
        "/virtual_private_gateways/{vpg_id}/gate/routing/static/sims/disable",
        "Turn off SIM-based routing on the VPG.",
        &[VPG_ID],
    ).with_body(false),
    OperationDef::new(
        "enableSimBasedRouting",
        Method::Post,
        "/virtual_private_gateways/{vpg_id}/gate/routing/static/sims/enable",
        "Turn on SIM-based routing on the VPG (Gate must be open).",
        &[VPG_ID],
    ).with_body(false),
    OperationDef::new(
        "putSimBasedRoutingRoutes",
        Method::Put,
        "/virtual_private_gateways/{vpg_id}/gate/routing/static/sims/routes",
        "Replace the SIM-based routes: a JSON object from SIM id to the router's LAN CIDR.",
        &[VPG_ID],
    ).with_body(true),
    OperationDef::new(
        "setVirtualPrivateGatewayVxLanId",
        Method::Post,
        "/virtual_private_gateways/{vpg_id}/gate/set_vxlan_id",
        "Set the VXLAN id {vxlanId} Gate uses (1 to 16777215).",
        &[VPG_ID],
    ).with_body(true),
    OperationDef::paged_get(
        "listVirtualPrivateGatewayIpAddressMapEntries",
        IP_MAP,
        "List the VPG's IP address map entries, one page at a time.",
        &[VPG_ID, LIMIT, LAST_EVALUATED_KEY],
    ),
    OperationDef::new(
        "putVirtualPrivateGatewayIpAddressMapEntry",
        Method::Post,
        IP_MAP,
        "Add or update an IP address map entry {key (IMSI), ipAddress}.",
        &[VPG_ID],
    )
    .with_body(true)
    // A put by key: sending it again leaves the same entry.
    .idempotent(true),
    OperationDef::new(
        "deleteVirtualPrivateGatewayIpAddressMapEntry",
        Method::Delete,
        IP_MAP_ENTRY,
        "Delete an IP address map entry by its key (IMSI).",
        &[VPG_ID, KEY],
    ).with_body(false),
    OperationDef::new(
        "createMirroringPeer",
        Method::Post,
        MIRRORING_PEERS,
        "Add a Junction mirroring peer {ipAddress, protocol, enabled, description}.",
        &[VPG_ID],
    ).with_body(true),
    OperationDef::new(
        "deleteMirroringPeer",
        Method::Delete,
        MIRRORING_PEER,
        "Remove a Junction mirroring peer.",
        &[VPG_ID, IPADDR],
    ).with_body(false),
    OperationDef::new(
        "updateMirroringPeer",
        Method::Put,
        MIRRORING_PEER,
        "Change a Junction mirroring peer with a list of {key, value} attribute updates.",
        &[VPG_ID, IPADDR],
    ).with_body(true),
    OperationDef::new(
        "setInspectionConfiguration",
        Method::Post,
        "/virtual_private_gateways/{vpg_id}/junction/set_inspection",
        "Configure Junction inspection {enabled, report}.",
        &[VPG_ID],
    ).with_body(true),
    OperationDef::new(
        "setRedirectionConfiguration",
        Method::Post,
        "/virtual_private_gateways/{vpg_id}/junction/set_redirection",
        "Configure Junction redirection {enabled, gateway, description}.",
        &[VPG_ID],
    ).with_body(true),
    OperationDef::new(
        "unsetInspectionConfiguration",
        Method::Post,
        "/virtual_private_gateways/{vpg_id}/junction/unset_inspection",
        "Remove the Junction inspection configuration.",
        &[VPG_ID],
    ).with_body(false),
    OperationDef::new(
        "unsetRedirectionConfiguration",
        Method::Post,
        "/virtual_private_gateways/{vpg_id}/junction/unset_redirection",
        "Remove the Junction redirection configuration.",
        &[VPG_ID],
    ).with_body(false),
    OperationDef::paged_get(
        "listPacketCaptureSessions",
        CAPTURES,
        "List the VPG's packet capture (Peek) sessions, one page at a time (10 by default).",
        &[VPG_ID, LAST_EVALUATED_KEY, LIMIT],
    ),
    OperationDef::new(
        "createPacketCaptureSession",
        Method::Post,
        CAPTURES,
        "Start a packet capture session {duration (30 to 86400 s), prefix}.",
        &[VPG_ID],
    ).with_body(true),
    OperationDef::new(
        "deletePacketCaptureSession",
        Method::Delete,
        CAPTURE,
        "Delete a packet capture session and its capture file.",
        &[VPG_ID, SESSION_ID],
    ).with_body(false),
    OperationDef::new(
        "getPacketCaptureSession",
        Method::Get,
        CAPTURE,
        "Read one packet capture session (status, times, download URL).",
        &[VPG_ID, SESSION_ID],
    ).with_body(false),
    OperationDef::new(
        "stopPacketCaptureSession",
        Method::Post,
        "/virtual_private_gateways/{vpg_id}/packet_capture_sessions/{session_id}/stop",
        "Stop a packet capture session that is capturing.",
        &[VPG_ID, SESSION_ID],
    ).with_body(false),
    OperationDef::new(
        "setRoutingFilter",
        Method::Post,
        "/virtual_private_gateways/{vpg_id}/set_routing_filter",
        "Replace the outbound routing filter with a list of {action, ipRange} entries.",
        &[VPG_ID],
    ).with_body(true),
    OperationDef::new(
        "updateVirtualPrivateGatewayTags",
        Method::Put,
        "/virtual_private_gateways/{vpg_id}/tags",
        "Add or change VPG tags from a list of {tagName, tagValue}.",
        &[VPG_ID],
    ).with_body(true),
    OperationDef::new(
        "deleteVirtualPrivateGatewayTag",
        Method::Delete,
        "/virtual_private_gateways/{vpg_id}/tags/{tag_name}",
        "Delete one VPG tag.",
        &[VPG_ID, TAG_NAME_PATH],
    ).with_body(false),
    OperationDef::new(
        "terminateVirtualPrivateGateway",
        Method::Post,
        "/virtual_private_gateways/{vpg_id}/terminate",
        "Terminate the VPG (accepted, then removed in the background).",
        &[VPG_ID],
    ).with_body(false),
    OperationDef::new(
        "disableTrafficFiltering",
        Method::Post,
        "/virtual_private_gateways/{vpg_id}/traffic_filtering/disable",
        "Turn off traffic filtering on the VPG.",
        &[VPG_ID],
    ).with_body(false),
    OperationDef::new(
        "enableTrafficFiltering",
        Method::Post,
        "/virtual_private_gateways/{vpg_id}/traffic_filtering/enable",
        "Turn on traffic filtering on the VPG.",
        &[VPG_ID],
    ).with_body(false),
    OperationDef::new(
        "putFqdnFilterRules",
        Method::Put,
        "/virtual_private_gateways/{vpg_id}/traffic_filtering/fqdn_rules",
        "Replace the traffic filter's domain rules {rules: [{type, protocol, action, fqdnPattern, fromPort, toPort}]}.",
        &[VPG_ID],
    ).with_body(true),
    OperationDef::new(
        "putUplinkFilterRules",
        Method::Put,
        "/virtual_private_gateways/{vpg_id}/traffic_filtering/uplink_rules",
        "Replace the traffic filter's IP rules {rules: [{type, protocol, action, cidr, fromPort, toPort}]}.",
        &[VPG_ID],
    ).with_body(true),
    OperationDef::new(
        "createTransitGatewayPeeringConnection",
        Method::Post,
        TGW_PEERINGS,
        "Peer the VPG's transit gateway with yours {customerAwsAccountId, customerRegion, customerTransitGatewayId, name}.",
        &[VPG_ID],
    ).with_body(true),
    OperationDef::new(
        "deleteTransitGatewayPeeringConnection",
        Method::Delete,
        TGW_PEERING,
        "Delete a transit gateway peering connection.",
        &[VPG_ID, TGW_PEERING_ID],
    ).with_body(false),
    OperationDef::new(
        "createTransitGatewayVpcAttachment",
        Method::Post,
        TGW_ATTACHMENTS,
        "Attach a VPC to the VPG's transit gateway {customerAwsAccountId, customerVpcId, name}.",
        &[VPG_ID],
    ).with_body(true),
    OperationDef::new(
        "deleteTransitGatewayVpcAttachment",
        Method::Delete,
        TGW_ATTACHMENT,
        "Delete a transit gateway VPC attachment.",
        &[VPG_ID, TGW_VPC_ATTACHMENT_ID],
    ).with_body(false),
    OperationDef::new(
        "acceptTransitGatewayVpcAttachmentFromCustomer",
        Method::Post,
        "/virtual_private_gateways/{vpg_id}/transit_gateway_vpc_attachments/{customer_tgw_vpc_attachment_id}/accept",
        "Accept a transit gateway VPC attachment requested from your AWS account.",
        &[VPG_ID, TGW_VPC_ATTACHMENT_ID],
    ).with_body(false),
    OperationDef::new(
        "createVpcPeeringConnection",
        Method::Post,
        PCXS,
        "Create a Canal VPC peering connection {destinationCidrBlock, peerOwnerId, peerRegion, peerVpcId}.",
        &[VPG_ID],
    ).with_body(true),
    OperationDef::new(
        "deleteVpcPeeringConnection",
        Method::Delete,
        PCX,
        "Delete a Canal VPC peering connection.",
        &[VPG_ID, PCX_ID],
    ).with_body(false),
];

#[cfg(test)]
mod tests {
    use super::*;
    use portico_adapter_sdk::Location;

    #[test]
    fn forty_nine_well_formed_operations() {
        assert_eq!(
            portico_adapter_sdk::testing::assert_catalogue(&CATALOGUE),
            49
        );
        let put = CATALOGUE
            .find("putVirtualPrivateGatewayIpAddressMapEntry")
            .unwrap();
        assert_eq!(put.idempotent, Some(true));
        let open = CATALOGUE.find("openGate").unwrap();
        assert!(open.takes_body);
        assert_eq!(open.default_body, Some("{}"));
    }

    #[test]
    fn paths_are_under_the_vpgs() {
        for op in OPERATIONS {
            assert!(op.path.starts_with(VPGS), "{}", op.name);
            assert!(op.summary.ends_with('.'), "{}", op.name);
        }
    }

    #[test]
    fn three_paginated_lists_take_the_next_key() {
        let paged: Vec<&str> = OPERATIONS
            .iter()
            .filter(|o| o.paginated)
            .map(|o| o.name)
            .collect();
        assert_eq!(
            paged,
            [
                "listVirtualPrivateGateways",
                "listVirtualPrivateGatewayIpAddressMapEntries",
                "listPacketCaptureSessions"
            ]
        );
        for op in OPERATIONS.iter().filter(|o| o.paginated) {
            for name in ["limit", "last_evaluated_key"] {
                assert!(
                    op.params
                        .iter()
                        .any(|p| p.name == name && p.location == Location::Query && !p.required),
                    "{} {name}",
                    op.name
                );
            }
        }
        let list = CATALOGUE.find("listVirtualPrivateGateways").unwrap();
        let names: Vec<&str> = list.params.iter().map(|p| p.name).collect();
        assert_eq!(
            names,
            [
                "tag_name",
                "tag_value",
                "tag_value_match_mode",
                "limit",
                "last_evaluated_key"
            ]
        );
    }

    #[test]
    fn bodies_follow_the_spec() {
        let with_bodies: Vec<&str> = OPERATIONS
            .iter()
            .filter(|o| o.takes_body)
            .map(|o| o.name)
            .collect();
        assert_eq!(with_bodies.len(), 20, "{with_bodies:?}");
        for op in OPERATIONS {
            if matches!(op.method, Method::Get | Method::Delete) {
                assert!(!op.takes_body, "{}", op.name);
            }
        }
        for name in [
            "closeGate",
            "terminateVirtualPrivateGateway",
            "enableSimBasedRouting",
        ] {
            assert!(!CATALOGUE.find(name).unwrap().takes_body, "{name}");
        }
    }
}
