//! The Soracom VPG adapter through the real CLI against the emulator: all 49 catalogue
//! operations called by name, the gateway, peer and mapping nouns, paging with `--all`, and
//! Soracom's error bodies.

use std::cell::RefCell;
use std::collections::BTreeSet;

use crate::support::Env;
use serde_json::{Value, json};

/// A home with the Soracom VPG adapter installed, credential `sora` holding the emulator's
/// AuthKey pair, and profile `t` pointing at the emulator.
fn soracom() -> Env {
    let env = Env::with_emulator(Env::config());
    let id = env.emu().config().soracom_auth_key_id.clone();
    let key = env.emu().config().soracom_auth_key.clone();
    env.set_credential("sora", &["auth-key-id", "auth-key"], &[&id, &key]);
    env.install_with_profile(
        portico_test_artifacts::SORACOM_VPG,
        "soracom-vpg",
        Some("sora"),
        &[],
    );
    env
}

/// Calls catalogue operations and remembers which ones were called.
struct Caller<'a> {
    env: &'a Env,
    called: RefCell<BTreeSet<String>>,
}

impl<'a> Caller<'a> {
    fn new(env: &'a Env) -> Self {
        Caller {
            env,
            called: RefCell::new(BTreeSet::new()),
        }
    }

    fn args(op: &str, params: &[(&str, &str)], body: Option<&Value>, all: bool) -> Vec<String> {
        let mut args = vec!["op".to_string(), "call".to_string(), op.to_string()];
        for (k, v) in params {
            args.push("--param".into());
            args.push(format!("{k}={v}"));
        }
        if let Some(body) = body {
            args.push("--body".into());
            args.push(body.to_string());
        }
        if all {
            args.push("--all".into());
        }
        args.extend(["-o".to_string(), "json".to_string()]);
        args
    }

    /// Calls `op`, expects success, returns the response document (`null` without a body).
    #[track_caller]
    fn call(&self, op: &str, params: &[(&str, &str)], body: Option<Value>) -> Value {
        let args = Self::args(op, params, body.as_ref(), false);
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let run = self.env.run(&args).expect_code(0);
        self.called.borrow_mut().insert(op.to_string());
        if run.stdout.trim().is_empty() {
            Value::Null
        } else {
            run.json()
        }
    }

    /// Calls a paginated `op` with `--all`; returns the pages.
    #[track_caller]
    fn call_all(&self, op: &str, params: &[(&str, &str)]) -> Vec<Value> {
        let args = Self::args(op, params, None, true);
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let run = self.env.run(&args).expect_code(0);
        self.called.borrow_mut().insert(op.to_string());
        run.json().as_array().expect("pages").clone()
    }
}

fn s(v: &Value, key: &str) -> String {
    v[key]
        .as_str()
        .unwrap_or_else(|| panic!("{key} in {v}"))
        .to_string()
}

fn ids(items: &Value) -> Vec<String> {
    items
        .as_array()
        .expect("array")
        .iter()
        .map(|i| s(i, "id"))
        .collect()
}

/// Creates a VPG through the catalogue, returns its id.
fn create_vpg(c: &Caller<'_>, name: &str) -> String {
    let vpg = c.call(
        "createVirtualPrivateGateway",
        &[],
        Some(json!({"type": 14, "tags": {"name": name}})),
    );
    assert_eq!(vpg["status"], "running");
    s(&vpg, "vpgId")
}

/// Requests to `path` (under `/v1`) the emulator saw, with their query strings.
fn queries(env: &Env, path: &str) -> Vec<String> {
    env.emu()
        .requests()
        .into_iter()
        .filter(|r| r.method == "GET" && r.path == format!("/v1{path}"))
        .map(|r| r.query.unwrap_or_default())
        .collect()
}

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

#[test]
fn gateway_noun_lists_gets_creates_updates_and_terminates() {
    let env = soracom();
    let created = env.json(&[
        "gateway",
        "create",
        "--name",
        "gw-a",
        "--description",
        "line 1",
        "--network",
        "10.200.0.0/16",
        "--properties",
        r#"{"type": 15, "placement": {"region": "eu-central-1"}}"#,
    ]);
    let a = s(&created, "id");
    assert_eq!(created["kind"], "vpg");
    assert_eq!(created["name"], "gw-a");
    assert_eq!(created["description"], "line 1");
    assert_eq!(created["state"], "available");
    assert_eq!(created["provider_state"], "running");
    assert_eq!(created["networks"], json!(["10.200.0.0/16"]));
    assert_eq!(created["provider"]["type"], 15);
    assert_eq!(created["provider"]["placement"]["region"], "eu-central-1");
    assert!(created["created_at"].as_str().unwrap().ends_with('Z'));
    let posted = env
        .emu()
        .requests()
        .into_iter()
        .find(|r| r.method == "POST" && r.path == "/v1/virtual_private_gateways")
        .expect("create request");
    let body: Value = serde_json::from_str(&posted.body).unwrap();
    assert_eq!(
        body,
        json!({"type": 15, "placement": {"region": "eu-central-1"},
               "deviceSubnetCidrRange": "10.200.0.0/16",
               "tags": {"name": "gw-a", "description": "line 1"}})
    );

    let b = s(&env.json(&["gateway", "create", "--name", "gw-b"]), "id");
    let c = s(&env.json(&["gateway", "create", "--name", "other"]), "id");
    let default_type = env.json(&["gateway", "get", &b]);
    assert_eq!(default_type["provider"]["type"], 14);
    assert_eq!(default_type["networks"], json!(["10.128.0.0/9"]));

    // --all over pages of two.
    env.emu().clear_requests();
    let all = env.json(&["gateway", "list", "--limit", "2", "--all"]);
    assert_eq!(ids(&all), [a.as_str(), b.as_str(), c.as_str()]);
    assert_eq!(queries(&env, "/virtual_private_gateways").len(), 2);
    let first = env
        .run(&["gateway", "list", "--limit", "2", "-o", "json"])
        .expect_code(0);
    assert_eq!(ids(&first.json()), [a.as_str(), b.as_str()]);
    let cursor = first
        .stderr
        .split("--cursor ")
        .nth(1)
        .expect("a cursor")
        .trim()
        .to_string();
    let rest = env.json(&["gateway", "list", "--limit", "2", "--cursor", &cursor]);
    assert_eq!(ids(&rest), [c.as_str()]);

    // Tag filters.
    let named = env.json(&["gateway", "list", "--filter", "name=gw-b"]);
    assert_eq!(ids(&named), [b.as_str()]);
    let prefixed = env.json(&[
        "gateway",
        "list",
        "--filter",
        "tag_name=name",
        "--filter",
        "tag_value=gw-",
        "--filter",
        "tag_value_match_mode=prefix",
    ]);
    assert_eq!(ids(&prefixed), [a.as_str(), b.as_str()]);
    let run = env
        .run(&["gateway", "list", "--filter", "status=running"])
        .expect_code(1);
    assert!(run.stderr.contains("`status`"), "{}", run.stderr);

    // Update changes tags only.
    let renamed = env.json(&[
        "gateway",
        "update",
        &a,
        "--name",
        "gw-renamed",
        "--properties",
        r#"{"tags": {"team": "ops", "description": null}}"#,
    ]);
    assert_eq!(renamed["name"], "gw-renamed");
    assert_eq!(renamed["description"], Value::Null);
    assert_eq!(renamed["provider"]["tags"]["team"], "ops");
    let run = env
        .run(&["gateway", "update", &a, "--properties", r#"{"type": 14}"#])
        .expect_code(1);
    assert!(run.stderr.contains("unsupported"), "{}", run.stderr);

    // Delete terminates; the emulator forgets the VPG at once.
    let run = env.run(&["gateway", "delete", &c]).expect_code(0);
    assert!(run.stderr.contains("being deleted"), "{}", run.stderr);
    assert!(
        env.emu().requests().iter().any(|r| r.method == "POST"
            && r.path == format!("/v1/virtual_private_gateways/{c}/terminate"))
    );
    let run = env.run(&["gateway", "get", &c]).expect_code(1);
    assert!(
        run.stderr
            .contains("soracom-vpg gateway.get: not found (HTTP 404, code VPG0001)"),
        "{}",
        run.stderr
    );
    assert_eq!(ids(&env.json(&["gateway", "list"])), [a, b]);
}

#[test]
fn gateway_delete_wait_follows_termination() {
    let env = soracom();
    let id = s(&env.json(&["gateway", "create", "--name", "slow"]), "id");
    env.emu()
        .set_delete_delay(std::time::Duration::from_millis(300));
    let run = env
        .run(&["gateway", "delete", &id, "--wait"])
        .expect_code(0);
    assert!(run.stderr.contains("deleted"), "{}", run.stderr);
    env.run(&["gateway", "get", &id]).expect_code(1);
}

#[test]
fn peer_noun_serves_gate_and_mirroring_peers() {
    let env = soracom();
    let c = Caller::new(&env);
    let v = create_vpg(&c, "peers");
    let v = v.as_str();

    // Gate closed: registering is refused by Soracom.
    let run = env
        .run(&[
            "peer",
            "create",
            "--kind",
            "gate",
            "--gateway",
            v,
            "--endpoint",
            "198.51.100.7",
        ])
        .expect_code(1);
    assert!(
        run.stderr.contains("invalid input (HTTP 400"),
        "{}",
        run.stderr
    );

    c.call("openGate", &[("vpg_id", v)], None);
    let gate = env.json(&[
        "peer",
        "create",
        "--kind",
        "gate",
        "--gateway",
        v,
        "--endpoint",
        "198.51.100.7",
        "--allowed-network",
        "10.128.0.50/32",
    ]);
    assert_eq!(gate["id"], "198.51.100.7");
    assert_eq!(gate["kind"], "gate");
    assert_eq!(gate["gateway_id"], v);
    assert_eq!(gate["allowed_networks"], json!(["10.128.0.50/32"]));
    assert_eq!(gate["provider"]["ownedByCustomer"], true);
    for outer in ["198.51.100.8", "198.51.100.9"] {
        env.json(&[
            "peer",
            "create",
            "--kind",
            "gate",
            "--gateway",
            v,
            "--endpoint",
            outer,
        ]);
    }

    let mirror = env.json(&[
        "peer",
        "create",
        "--kind",
        "mirroring",
        "--gateway",
        v,
        "--endpoint",
        "192.0.2.9",
        "--description",
        "ids",
        "--properties",
        r#"{"enabled": true}"#,
    ]);
    assert_eq!(mirror["kind"], "mirroring");
    assert_eq!(mirror["state"], "available");
    assert_eq!(mirror["description"], "ids");

    // Both kinds, paged by the adapter: the VPG's own Gate peer, three of ours, one mirroring.
    let all = env.json(&["peer", "list", "--gateway", v, "--limit", "2", "--all"]);
    let kinds: Vec<&str> = all
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["kind"].as_str().unwrap())
        .collect();
    assert_eq!(kinds, ["gate", "gate", "gate", "gate", "mirroring"]);
    let first = env
        .run(&["peer", "list", "--gateway", v, "--limit", "2", "-o", "json"])
        .expect_code(0);
    assert_eq!(first.json().as_array().unwrap().len(), 2);
    assert!(first.stderr.contains("--cursor"), "{}", first.stderr);
    let gate_only = env.json(&["peer", "list", "--gateway", v, "--kind", "gate"]);
    assert_eq!(gate_only.as_array().unwrap().len(), 4);
    let mirrors = env.json(&["peer", "list", "--gateway", v, "--kind", "mirroring"]);
    assert_eq!(ids(&mirrors), ["192.0.2.9"]);

    let got = env.json(&["peer", "get", "198.51.100.8", "--gateway", v]);
    assert_eq!(got["kind"], "gate");
    let got = env.json(&["peer", "get", "192.0.2.9", "--gateway", v]);
    assert_eq!(got["kind"], "mirroring");
    let run = env
        .run(&["peer", "get", "203.0.113.1", "--gateway", v])
        .expect_code(1);
    assert!(run.stderr.contains("not found"), "{}", run.stderr);

    // Updates: mirroring peers only.
    let updated = env.json(&[
        "peer",
        "update",
        "192.0.2.9",
        "--gateway",
        v,
        "--description",
        "tap",
        "--properties",
        r#"{"enabled": false}"#,
    ]);
    assert_eq!(updated["description"], "tap");
    assert_eq!(updated["state"], "inactive");
    let put = env
        .emu()
        .requests()
        .into_iter()
        .find(|r| r.method == "PUT")
        .expect("update request");
    let body: Value = serde_json::from_str(&put.body).unwrap();
    assert_eq!(
        body,
        json!([{"key": "enabled", "value": "false"}, {"key": "description", "value": "tap"}])
    );
    let run = env
        .run(&[
            "peer",
            "update",
            "198.51.100.8",
            "--gateway",
            v,
            "--kind",
            "gate",
            "--endpoint",
            "198.51.100.10",
        ])
        .expect_code(1);
    assert!(run.stderr.contains("unsupported"), "{}", run.stderr);

    // Deletes, with and without a kind.
    env.run(&[
        "peer",
        "delete",
        "198.51.100.8",
        "--gateway",
        v,
        "--kind",
        "gate",
    ])
    .expect_code(0);
    env.run(&["peer", "delete", "192.0.2.9", "--gateway", v])
        .expect_code(0);
    let left = env.json(&["peer", "list", "--gateway", v]);
    let left: Vec<String> = ids(&left);
    assert_eq!(left.len(), 3, "{left:?}");
    assert!(!left.contains(&"198.51.100.8".to_string()));
    assert!(!left.contains(&"192.0.2.9".to_string()));
    let run = env.run(&["peer", "list", "--kind", "gate"]).expect_code(1);
    assert!(run.stderr.contains("`gateway-id`"), "{}", run.stderr);
}

#[test]
fn mapping_noun_serves_ip_address_map_and_customer_routes() {
    let env = soracom();
    let c = Caller::new(&env);
    let v = create_vpg(&c, "maps");
    let v = v.as_str();
    c.call("openGate", &[("vpg_id", v)], None);

    for i in 1..=4 {
        let entry = env.json(&[
            "mapping",
            "create",
            "--kind",
            "ip-address-map",
            "--gateway",
            v,
            "--source",
            &format!("44010123456780{i}"),
            "--destination",
            &format!("10.128.2.{i}"),
        ]);
        assert_eq!(entry["kind"], "ip-address-map");
        assert_eq!(entry["parent_id"], v);
        assert_eq!(entry["provider_state"], "static");
    }
    let route = env.json(&[
        "mapping",
        "create",
        "--kind",
        "customer-route",
        "--gateway",
        v,
        "--source",
        "172.16.0.0/16",
        "--destination",
        "tgw-0123456789abcdef0",
    ]);
    let route_id = s(&route, "id");
    assert_eq!(route["source"], "172.16.0.0/16");
    assert_eq!(route["destination"], "tgw-0123456789abcdef0");

    // The IP address map, paged by Soracom: the VPG's own Gate peer entry and four statics.
    env.emu().clear_requests();
    let map = env.json(&[
        "mapping",
        "list",
        "--gateway",
        v,
        "--kind",
        "ip-address-map",
        "--limit",
        "2",
        "--all",
    ]);
    assert_eq!(map.as_array().unwrap().len(), 5);
    let path = format!("/virtual_private_gateways/{v}/ip_address_map");
    let sent = queries(&env, &path);
    assert_eq!(sent.len(), 3, "{sent:?}");
    assert!(sent[1].contains("last_evaluated_key="), "{sent:?}");

    // Both kinds: the map first, then the routes, with one cursor.
    let all = env.json(&["mapping", "list", "--gateway", v, "--limit", "2", "--all"]);
    let kinds: Vec<&str> = all
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["kind"].as_str().unwrap())
        .collect();
    assert_eq!(
        kinds,
        [
            "ip-address-map",
            "ip-address-map",
            "ip-address-map",
            "ip-address-map",
            "ip-address-map",
            "customer-route"
        ]
    );

    let got = env.json(&["mapping", "get", "440101234567803", "--gateway", v]);
    assert_eq!(got["destination"], "10.128.2.3");
    let got = env.json(&["mapping", "get", &route_id, "--gateway", v]);
    assert_eq!(got["kind"], "customer-route");

    let moved = env.json(&[
        "mapping",
        "update",
        "440101234567803",
        "--gateway",
        v,
        "--kind",
        "ip-address-map",
        "--destination",
        "10.128.2.30",
    ]);
    assert_eq!(moved["destination"], "10.128.2.30");
    let retargeted = env.json(&[
        "mapping",
        "update",
        &route_id,
        "--gateway",
        v,
        "--destination",
        "tgw-0fedcba9876543210",
    ]);
    assert_eq!(retargeted["destination"], "tgw-0fedcba9876543210");
    let run = env
        .run(&[
            "mapping",
            "update",
            &route_id,
            "--gateway",
            v,
            "--source",
            "10.0.0.0/8",
            "--destination",
            "tgw-1",
        ])
        .expect_code(1);
    assert!(run.stderr.contains("`source`"), "{}", run.stderr);

    env.run(&["mapping", "delete", "440101234567803", "--gateway", v])
        .expect_code(0);
    env.run(&[
        "mapping",
        "delete",
        &route_id,
        "--gateway",
        v,
        "--kind",
        "customer-route",
    ])
    .expect_code(0);
    let left = env.json(&["mapping", "list", "--gateway", v]);
    let left = ids(&left);
    assert_eq!(left.len(), 4, "{left:?}");
    assert!(!left.contains(&route_id));
    assert!(!left.contains(&"440101234567803".to_string()));

    // Soracom's own refusal keeps its code.
    let run = env
        .run(&[
            "mapping",
            "create",
            "--kind",
            "ip-address-map",
            "--gateway",
            v,
            "--source",
            "not-an-imsi",
            "--destination",
            "10.128.2.9",
        ])
        .expect_code(1);
    assert!(
        run.stderr
            .contains("invalid input (HTTP 400, code COM0001)"),
        "{}",
        run.stderr
    );
}

#[test]
fn wrong_auth_key_is_unauthorized() {
    let env = soracom();
    let id = env.emu().config().soracom_auth_key_id.clone();
    env.set_credential("sora", &["auth-key-id", "auth-key"], &[&id, "secret-wrong"]);
    let run = env.run(&["gateway", "list"]).expect_code(1);
    assert!(run.stderr.contains("unauthorized"), "{}", run.stderr);
    assert!(!run.stderr.contains("secret-wrong"));
}
