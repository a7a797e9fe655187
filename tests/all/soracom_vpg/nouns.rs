//! The gateway, peer and mapping nouns, and Soracom errors through them.

use super::*;

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
    assert!(
        run.stderr.contains("no filter \"status\""),
        "{}",
        run.stderr
    );

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
    assert!(
        run.stderr.contains("needs --gateway GATEWAY"),
        "{}",
        run.stderr
    );
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
