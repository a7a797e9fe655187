//! The operation catalogue: all 49 operations by name, and `--all` over `x-soracom-next-key`.

use super::*;

#[test]
fn op_catalogue_lists_all_49_operations() {
    let env = soracom();
    let ops = env.json(&["op", "list"]);
    let names: BTreeSet<&str> = ops
        .as_array()
        .unwrap()
        .iter()
        .map(|o| o["name"].as_str().unwrap())
        .collect();
    assert_eq!(names.len(), 49, "{names:?}");
    for expected in [
        "listVirtualPrivateGateways",
        "openGate",
        "putVirtualPrivateGatewayIpAddressMapEntry",
        "acceptTransitGatewayVpcAttachmentFromCustomer",
        "putUplinkFilterRules",
    ] {
        assert!(names.contains(expected), "{expected} missing");
    }
    let show = env.json(&["op", "show", "listVirtualPrivateGateways"]);
    assert_eq!(show["paginated"], true);
    let params: Vec<&str> = show["parameters"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["name"].as_str().unwrap())
        .collect();
    assert_eq!(
        params,
        [
            "tag_name",
            "tag_value",
            "tag_value_match_mode",
            "limit",
            "last_evaluated_key"
        ]
    );
    let show = env.json(&["op", "show", "unregisterGatePeer"]);
    assert_eq!(
        show["path"],
        "/virtual_private_gateways/{vpg_id}/gate/peers/{outer_ip_address}"
    );
}

#[test]
fn every_vpg_operation_through_op_call() {
    let env = soracom();
    let c = Caller::new(&env);

    // The VPG itself: create, list, get, tags, fixed addresses, routing filter.
    let vpg_id = create_vpg(&c, "op-vpg");
    let v = vpg_id.as_str();
    let listed = c.call(
        "listVirtualPrivateGateways",
        &[("tag_name", "name"), ("tag_value", "op-vpg")],
        None,
    );
    assert_eq!(listed.as_array().unwrap().len(), 1);
    assert_eq!(listed[0]["vpgId"], v);
    let got = c.call("getVirtualPrivateGateway", &[("vpg_id", v)], None);
    assert_eq!(got["tags"]["name"], "op-vpg");
    c.call(
        "updateVirtualPrivateGatewayTags",
        &[("vpg_id", v)],
        Some(json!([{"tagName": "team", "tagValue": "ops"}])),
    );
    let got = c.call("getVirtualPrivateGateway", &[("vpg_id", v)], None);
    assert_eq!(got["tags"]["team"], "ops");
    c.call(
        "deleteVirtualPrivateGatewayTag",
        &[("vpg_id", v), ("tag_name", "team")],
        None,
    );
    let fixed = c.call("assignFixedPublicIpAddresses", &[("vpg_id", v)], None);
    assert_eq!(fixed["fixedPublicIpAddresses"].as_array().unwrap().len(), 2);
    let released = c.call("releaseFixedPublicIpAddresses", &[("vpg_id", v)], None);
    assert_eq!(released["fixedIpAddressesEnabled"], false);
    c.call(
        "setRoutingFilter",
        &[("vpg_id", v)],
        Some(json!([{"action": "allow", "ipRange": "10.0.0.0/8"}])),
    );

    // Traffic filtering.
    c.call("enableTrafficFiltering", &[("vpg_id", v)], None);
    c.call(
        "putFqdnFilterRules",
        &[("vpg_id", v)],
        Some(
            json!({"rules": [{"type": "fqdn", "protocol": 6, "action": "allow",
            "fqdnPattern": "*.example.com", "fromPort": 443, "toPort": 443}]}),
        ),
    );
    c.call(
        "putUplinkFilterRules",
        &[("vpg_id", v)],
        Some(
            json!({"rules": [{"type": "ip", "protocol": 6, "action": "deny",
            "cidr": "198.51.100.0/24", "fromPort": 0, "toPort": 0}]}),
        ),
    );
    c.call("disableTrafficFiltering", &[("vpg_id", v)], None);

    // Gate: open without a body (the adapter sends `{}`), VXLAN, privacy separator, peers,
    // SIM-based routing, the IP address map.
    c.call("openGate", &[("vpg_id", v)], None);
    let got = c.call("getVirtualPrivateGateway", &[("vpg_id", v)], None);
    assert_eq!(got["gateOpened"], true);
    c.call(
        "setVirtualPrivateGatewayVxLanId",
        &[("vpg_id", v)],
        Some(json!({"vxlanId": 20})),
    );
    let on = c.call("enableGatePrivacySeparator", &[("vpg_id", v)], None);
    assert_eq!(on["gatePrivacySeparatorEnabled"], true);
    assert_eq!(on["gateVxlanId"], 20);
    let off = c.call("disableGatePrivacySeparator", &[("vpg_id", v)], None);
    assert_eq!(off["gatePrivacySeparatorEnabled"], false);
    let peer = c.call(
        "registerGatePeer",
        &[("vpg_id", v)],
        Some(json!({"outerIpAddress": "198.51.100.7", "innerIpAddress": "10.128.0.50"})),
    );
    assert_eq!(peer["ownedByCustomer"], true);
    let peers = c.call("listGatePeers", &[("vpg_id", v)], None);
    assert_eq!(peers.as_array().unwrap().len(), 2, "{peers}");
    c.call("enableSimBasedRouting", &[("vpg_id", v)], None);
    c.call(
        "putSimBasedRoutingRoutes",
        &[("vpg_id", v)],
        Some(json!({"8942310022000012345": "192.168.10.0/24"})),
    );
    let got = c.call("getVirtualPrivateGateway", &[("vpg_id", v)], None);
    assert_eq!(got["enableSimBasedRouting"], true);
    assert_eq!(
        got["simBasedRoutingConfig"]["8942310022000012345"],
        "192.168.10.0/24"
    );
    c.call("disableSimBasedRouting", &[("vpg_id", v)], None);
    let entry = c.call(
        "putVirtualPrivateGatewayIpAddressMapEntry",
        &[("vpg_id", v)],
        Some(json!({"key": "440101234567890", "ipAddress": "10.128.0.60"})),
    );
    assert_eq!(entry["type"], "static");
    let map = c.call(
        "listVirtualPrivateGatewayIpAddressMapEntries",
        &[("vpg_id", v)],
        None,
    );
    let keys: Vec<&str> = map
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["key"].as_str().unwrap())
        .collect();
    assert!(keys.contains(&"440101234567890"), "{keys:?}");
    assert!(keys.contains(&"10.128.0.50"), "{keys:?}");
    c.call(
        "deleteVirtualPrivateGatewayIpAddressMapEntry",
        &[("vpg_id", v), ("key", "440101234567890")],
        None,
    );
    c.call(
        "unregisterGatePeer",
        &[("vpg_id", v), ("outer_ip_address", "198.51.100.7")],
        None,
    );
    c.call("closeGate", &[("vpg_id", v)], None);

    // Junction.
    c.call(
        "createMirroringPeer",
        &[("vpg_id", v)],
        Some(json!({"ipAddress": "192.0.2.9", "protocol": "gre", "enabled": true, "description": "ids"})),
    );
    c.call(
        "updateMirroringPeer",
        &[("vpg_id", v), ("ipaddr", "192.0.2.9")],
        Some(json!([{"key": "description", "value": "tap"}])),
    );
    let got = c.call("getVirtualPrivateGateway", &[("vpg_id", v)], None);
    assert_eq!(got["mirroring"]["peers"]["192.0.2.9"]["description"], "tap");
    c.call(
        "deleteMirroringPeer",
        &[("vpg_id", v), ("ipaddr", "192.0.2.9")],
        None,
    );
    c.call(
        "setInspectionConfiguration",
        &[("vpg_id", v)],
        Some(json!({"enabled": true})),
    );
    c.call("unsetInspectionConfiguration", &[("vpg_id", v)], None);
    c.call(
        "setRedirectionConfiguration",
        &[("vpg_id", v)],
        Some(json!({"enabled": true, "gateway": "10.0.0.1", "description": "proxy"})),
    );
    let got = c.call("getVirtualPrivateGateway", &[("vpg_id", v)], None);
    assert_eq!(got["redirection"]["gateway"], "10.0.0.1");
    c.call("unsetRedirectionConfiguration", &[("vpg_id", v)], None);

    // Peek.
    let session = c.call(
        "createPacketCaptureSession",
        &[("vpg_id", v)],
        Some(json!({"duration": 60, "prefix": "cap"})),
    );
    let session_id = s(&session, "sessionId");
    let got = c.call(
        "getPacketCaptureSession",
        &[("vpg_id", v), ("session_id", &session_id)],
        None,
    );
    assert_eq!(got["status"], "CAPTURING");
    let sessions = c.call("listPacketCaptureSessions", &[("vpg_id", v)], None);
    assert_eq!(sessions.as_array().unwrap().len(), 1);
    let stopped = c.call(
        "stopPacketCaptureSession",
        &[("vpg_id", v), ("session_id", &session_id)],
        None,
    );
    assert_eq!(stopped["status"], "STOPPED");
    c.call(
        "deletePacketCaptureSession",
        &[("vpg_id", v), ("session_id", &session_id)],
        None,
    );

    // Canal: customer routes, VPC peering, transit gateway peering and VPC attachments.
    let route = c.call(
        "createCustomerRoute",
        &[("vpg_id", v)],
        Some(json!({"destinationCidr": "172.16.0.0/16", "target": "tgw-0123456789abcdef0"})),
    );
    let route_id = s(&route, "id");
    let route = c.call(
        "updateCustomerRoute",
        &[("vpg_id", v), ("route_id", &route_id)],
        Some(json!({"target": "tgw-0fedcba9876543210"})),
    );
    assert_eq!(route["target"], "tgw-0fedcba9876543210");
    c.call(
        "deleteCustomerRoute",
        &[("vpg_id", v), ("route_id", &route_id)],
        None,
    );
    let pcx = c.call(
        "createVpcPeeringConnection",
        &[("vpg_id", v)],
        Some(
            json!({"destinationCidrBlock": "172.31.0.0/16", "peerOwnerId": "123456789012",
            "peerRegion": "ap-northeast-1", "peerVpcId": "vpc-0123456789abcdef0"}),
        ),
    );
    let pcx_id = s(&pcx, "id");
    c.call(
        "deleteVpcPeeringConnection",
        &[("vpg_id", v), ("pcx_id", &pcx_id)],
        None,
    );
    let with_peering = c.call(
        "createTransitGatewayPeeringConnection",
        &[("vpg_id", v)],
        Some(
            json!({"customerAwsAccountId": "123456789012", "customerRegion": "us-west-2",
            "customerTransitGatewayId": "tgw-0aaaaaaaaaaaaaaaa", "name": "peer"}),
        ),
    );
    let peering_id = with_peering["soracomTransitGatewayPeeringConnections"]
        .as_object()
        .unwrap()
        .keys()
        .next()
        .expect("a peering connection")
        .clone();
    c.call(
        "deleteTransitGatewayPeeringConnection",
        &[
            ("vpg_id", v),
            ("soracom_tgw_peering_attachment_id", &peering_id),
        ],
        None,
    );
    let with_attachment = c.call(
        "createTransitGatewayVpcAttachment",
        &[("vpg_id", v)],
        Some(json!({"customerAwsAccountId": "123456789012", "customerVpcId": "vpc-0bbbbbbbbbbbbbbbb", "name": "att"})),
    );
    let attachment_id = with_attachment["soracomTransitGatewayVpcAttachments"]
        .as_object()
        .unwrap()
        .keys()
        .next()
        .expect("an attachment")
        .clone();
    c.call(
        "acceptTransitGatewayVpcAttachmentFromCustomer",
        &[
            ("vpg_id", v),
            ("customer_tgw_vpc_attachment_id", &attachment_id),
        ],
        None,
    );
    let got = c.call("getVirtualPrivateGateway", &[("vpg_id", v)], None);
    assert_eq!(
        got["soracomTransitGatewayVpcAttachments"][&attachment_id]["status"],
        "active"
    );
    c.call(
        "deleteTransitGatewayVpcAttachment",
        &[
            ("vpg_id", v),
            ("customer_tgw_vpc_attachment_id", &attachment_id),
        ],
        None,
    );

    // Terminate; the VPG is gone afterwards.
    c.call("terminateVirtualPrivateGateway", &[("vpg_id", v)], None);
    let run = env
        .run(&[
            "op",
            "call",
            "getVirtualPrivateGateway",
            "--param",
            &format!("vpg_id={v}"),
        ])
        .expect_code(1);
    assert!(
        run.stderr.contains("not found (HTTP 404, code VPG0001)"),
        "{}",
        run.stderr
    );

    // Every catalogue operation was called.
    let catalogue: BTreeSet<String> = env
        .json(&["op", "list"])
        .as_array()
        .unwrap()
        .iter()
        .map(|o| s(o, "name"))
        .collect();
    let called = c.called.borrow().clone();
    let missing: Vec<&String> = catalogue.difference(&called).collect();
    assert!(missing.is_empty(), "never called: {missing:?}");
    assert_eq!(called.len(), 49);

    // The host authenticated every call; the adapter set no Soracom header of its own.
    for request in env.emu().requests() {
        if request.path == "/v1/auth" {
            continue;
        }
        assert!(
            request.header("x-soracom-api-key").is_some()
                && request.header("x-soracom-token").is_some(),
            "{} {} lacks the key and token",
            request.method,
            request.path
        );
        assert!(request.header("x-soracom-lang").is_none());
    }
}

#[test]
fn op_call_all_follows_next_keys() {
    let env = soracom();
    let c = Caller::new(&env);
    let mut created: Vec<String> = (0..5)
        .map(|i| create_vpg(&c, &format!("page-{i}")))
        .collect();
    created.sort();

    let pages = c.call_all("listVirtualPrivateGateways", &[("limit", "2")]);
    let sizes: Vec<usize> = pages.iter().map(|p| p.as_array().unwrap().len()).collect();
    assert_eq!(sizes, [2, 2, 1]);
    let listed: Vec<String> = pages
        .iter()
        .flat_map(|p| p.as_array().unwrap().iter().map(|v| s(v, "vpgId")))
        .collect();
    assert_eq!(listed, created);
    let sent = queries(&env, "/virtual_private_gateways");
    assert_eq!(
        sent,
        [
            "limit=2".to_string(),
            format!("limit=2&last_evaluated_key={}", created[1]),
            format!("limit=2&last_evaluated_key={}", created[3]),
        ]
    );

    // One page without --all: the cursor is printed for the next call.
    let run = env
        .run(&[
            "op",
            "call",
            "listVirtualPrivateGateways",
            "--param",
            "limit=4",
            "-o",
            "json",
        ])
        .expect_code(0);
    assert_eq!(run.json().as_array().unwrap().len(), 4);
    assert!(run.stderr.contains("--cursor"), "{}", run.stderr);

    // The IP address map pages the same way.
    let v = created[0].as_str();
    c.call("openGate", &[("vpg_id", v)], None);
    for i in 0..4 {
        c.call(
            "putVirtualPrivateGatewayIpAddressMapEntry",
            &[("vpg_id", v)],
            Some(json!({"key": format!("44010123456789{i}"), "ipAddress": format!("10.128.1.{}", i + 1)})),
        );
    }
    let pages = c.call_all(
        "listVirtualPrivateGatewayIpAddressMapEntries",
        &[("vpg_id", v), ("limit", "2")],
    );
    // The gateway's own Gate peer plus the four static entries.
    let sizes: Vec<usize> = pages.iter().map(|p| p.as_array().unwrap().len()).collect();
    assert_eq!(sizes, [2, 2, 1]);
    let path = format!("/virtual_private_gateways/{v}/ip_address_map");
    assert_eq!(queries(&env, &path).len(), 3);

    // Packet capture sessions too.
    for _ in 0..3 {
        c.call(
            "createPacketCaptureSession",
            &[("vpg_id", v)],
            Some(json!({"duration": 30})),
        );
    }
    let pages = c.call_all(
        "listPacketCaptureSessions",
        &[("vpg_id", v), ("limit", "2")],
    );
    let sizes: Vec<usize> = pages.iter().map(|p| p.as_array().unwrap().len()).collect();
    assert_eq!(sizes, [2, 1]);
}
