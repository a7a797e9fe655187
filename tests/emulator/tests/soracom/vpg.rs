//! VPGs themselves: create, list, filters, paging, tags, fixed IPs, routing filter, traffic
//! filtering, terminate, and packet capture sessions.

use super::*;

#[tokio::test]
async fn vpgs_are_created_listed_filtered_and_paged() {
    let emu = start(Config::default()).await;
    let api = Api::login(&emu).await;
    api.post("/virtual_private_gateways", &json!({ "type": 13 }))
        .await
        .error(400);
    api.post("/virtual_private_gateways", &json!({}))
        .await
        .error(400);
    api.post(
        "/virtual_private_gateways",
        &json!({ "type": 14, "deviceSubnetCidrRange": "10.0.0.1/8" }),
    )
    .await
    .error(400);

    let created = api
        .post(
            "/virtual_private_gateways",
            &json!({ "type": 14, "tags": { "name": "alpha", "env": "prod-1" } }),
        )
        .await;
    assert_eq!(created.status, 201, "{}", created.body);
    let vpg = created.json();
    assert_eq!(vpg["status"], "running");
    assert_eq!(vpg["type"], 14);
    assert_eq!(vpg["operatorId"], emu.soracom_operator_id());
    assert_eq!(vpg["deviceSubnetCidrRange"], "10.128.0.0/9");
    assert_eq!(vpg["placement"]["region"], "ap-northeast-1");
    assert_eq!(vpg["useInternetGateway"], true);
    assert_eq!(vpg["gateOpened"], false);
    assert_eq!(vpg["gateVxlanId"], 10);
    assert_eq!(vpg["mirroring"], json!({ "peers": {} }));
    assert!(
        vpg["createdTime"]
            .as_u64()
            .is_some_and(|t| t > 1_600_000_000_000)
    );
    let alpha = vpg["vpgId"].as_str().unwrap_or_default().to_owned();
    let beta = api
        .create_vpg(
            json!({ "type": 15, "placement": { "region": "eu-central-1" },
                            "tags": { "env": "prod-2" } }),
        )
        .await;
    let gamma = api
        .create_vpg(json!({ "type": 242, "tags": { "env": "staging" } }))
        .await;
    assert_eq!(
        api.vpg(&beta).await["tags"],
        json!({ "env": "prod-2", "name": "" })
    );

    let first = api.get("/virtual_private_gateways?limit=2").await;
    assert_eq!(ids(&first, "vpgId"), [alpha.as_str(), beta.as_str()]);
    assert_eq!(first.next_key(), Some(beta.as_str()));
    let second = api
        .get(&format!(
            "/virtual_private_gateways?limit=2&last_evaluated_key={beta}"
        ))
        .await;
    assert_eq!(ids(&second, "vpgId"), [gamma.as_str()]);
    assert_eq!(second.next_key(), None);
    let all = api.get("/virtual_private_gateways").await;
    assert_eq!(ids(&all, "vpgId").len(), 3);
    assert_eq!(all.next_key(), None);

    let exact = api
        .get("/virtual_private_gateways?tag_name=env&tag_value=prod-2")
        .await;
    assert_eq!(ids(&exact, "vpgId"), [beta.as_str()]);
    let prefix = api
        .get("/virtual_private_gateways?tag_name=env&tag_value=prod&tag_value_match_mode=prefix")
        .await;
    assert_eq!(ids(&prefix, "vpgId"), [alpha.as_str(), beta.as_str()]);
    api.get("/virtual_private_gateways?tag_name=env")
        .await
        .error(400);
    api.get("/virtual_private_gateways?tag_name=env&tag_value=x&tag_value_match_mode=regex")
        .await
        .error(400);
    api.get("/virtual_private_gateways?limit=0")
        .await
        .error(400);
}

#[tokio::test]
async fn tags_fixed_ips_routing_filter_and_traffic_filtering() {
    let emu = start(Config::default()).await;
    let api = Api::login(&emu).await;
    let id = api.create_vpg(json!({ "type": 14 })).await;
    let vpg = |suffix: &str| format!("/virtual_private_gateways/{id}{suffix}");

    api.put(
        &vpg("/tags"),
        &json!([{ "tagName": "name", "tagValue": "edge" },
                                    { "tagName": "team", "tagValue": "iot" }]),
    )
    .await
    .empty(204);
    assert_eq!(
        api.vpg(&id).await["tags"],
        json!({ "name": "edge", "team": "iot" })
    );
    api.delete(&vpg("/tags/team")).await.empty(204);
    api.delete(&vpg("/tags/team")).await.error(404);
    api.delete(&vpg("/tags/name")).await.empty(204);
    assert_eq!(api.vpg(&id).await["tags"], json!({ "name": "" }));

    let assigned = api.post_empty(&vpg("/fixed_public_ip_addresses")).await;
    assert_eq!(assigned.status, 200, "{}", assigned.body);
    assert_eq!(assigned.json()["fixedIpAddressesEnabled"], true);
    assert_eq!(
        assigned.json()["fixedPublicIpAddresses"]
            .as_array()
            .map(Vec::len),
        Some(2)
    );
    api.post_empty(&vpg("/fixed_public_ip_addresses"))
        .await
        .error(400);
    let released = api.delete(&vpg("/fixed_public_ip_addresses")).await;
    assert_eq!(released.json()["fixedIpAddressesEnabled"], false);
    api.delete(&vpg("/fixed_public_ip_addresses"))
        .await
        .error(400);

    let filter = json!([{ "action": "deny", "ipRange": "192.168.0.0/16" },
                        { "action": "allow", "ipRange": "0.0.0.0/0" }]);
    api.post(&vpg("/set_routing_filter"), &filter)
        .await
        .empty(200);
    assert_eq!(api.vpg(&id).await["routingFilterEntries"], filter);
    api.post(
        &vpg("/set_routing_filter"),
        &json!([{ "action": "drop", "ipRange": "10.0.0.0/8" }]),
    )
    .await
    .error(400);

    api.post_empty(&vpg("/traffic_filtering/enable"))
        .await
        .empty(201);
    let fqdn = json!({ "rules": [{ "type": "fqdn", "protocol": 6, "action": "allow",
                                    "fqdnPattern": "*.example.com", "fromPort": 443, "toPort": 443 }] });
    api.put(&vpg("/traffic_filtering/fqdn_rules"), &fqdn)
        .await
        .empty(200);
    let bad = json!({ "rules": [{ "type": "fqdn", "protocol": 6, "action": "deny",
                                   "fqdnPattern": "example.com" }] });
    api.put(&vpg("/traffic_filtering/fqdn_rules"), &bad)
        .await
        .error(400);
    let uplink = json!({ "rules": [{ "type": "ip", "protocol": 255, "action": "deny",
                                      "cidr": "198.51.100.0/24" }] });
    api.put(&vpg("/traffic_filtering/uplink_rules"), &uplink)
        .await
        .empty(200);
    let shown = api.vpg(&id).await["trafficFiltering"].clone();
    assert_eq!(shown["enabled"], true);
    assert_eq!(shown["fqdnRules"][0]["fqdnPattern"], "*.example.com");
    assert_eq!(shown["uplinkRules"][0]["cidr"], "198.51.100.0/24");
    api.post_empty(&vpg("/traffic_filtering/disable"))
        .await
        .empty(204);
    assert_eq!(api.vpg(&id).await["trafficFiltering"]["enabled"], false);
}

#[tokio::test]
async fn terminate_removes_the_vpg_after_the_delete_delay() {
    let emu = start(Config::default()).await;
    let api = Api::login(&emu).await;
    let quick = api.create_vpg(json!({ "type": 14 })).await;
    api.post_empty(&format!("/virtual_private_gateways/{quick}/terminate"))
        .await
        .empty(200);
    api.get(&format!("/virtual_private_gateways/{quick}"))
        .await
        .error(404);
    api.post_empty(&format!("/virtual_private_gateways/{quick}/terminate"))
        .await
        .error(404);

    emu.set_delete_delay(Duration::from_secs(30));
    let slow = api.create_vpg(json!({ "type": 14 })).await;
    api.post_empty(&format!("/virtual_private_gateways/{slow}/terminate"))
        .await
        .empty(200);
    assert_eq!(api.vpg(&slow).await["status"], "terminating");
    api.post_empty(&format!("/virtual_private_gateways/{slow}/terminate"))
        .await
        .error(400);
    api.post_empty(&format!("/virtual_private_gateways/{slow}/gate/open"))
        .await
        .error(400);
    emu.advance_clock(Duration::from_secs(30));
    api.get(&format!("/virtual_private_gateways/{slow}"))
        .await
        .error(404);
    assert_eq!(api.get("/virtual_private_gateways").await.json(), json!([]));
}

#[tokio::test]
async fn packet_capture_sessions_move_with_the_clock() {
    let emu = start(Config::default()).await;
    let api = Api::login(&emu).await;
    let id = api.create_vpg(json!({ "type": 14 })).await;
    let sessions = format!("/virtual_private_gateways/{id}/packet_capture_sessions");

    api.post(&sessions, &json!({ "duration": 29 }))
        .await
        .error(400);
    api.post(&sessions, &json!({ "duration": 86_401 }))
        .await
        .error(400);
    api.post(
        &sessions,
        &json!({ "duration": 60, "prefix": "bad/prefix" }),
    )
    .await
    .error(400);
    api.post(&sessions, &json!({ "prefix": "x" }))
        .await
        .error(400);

    let created = api
        .post(&sessions, &json!({ "duration": 60, "prefix": "cap_1" }))
        .await;
    assert_eq!(created.status, 200, "{}", created.body);
    assert_eq!(created.json()["status"], "REQUESTED");
    let first = created.json()["sessionId"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    let one = |sid: &str| format!("{sessions}/{sid}");
    assert_eq!(api.get(&one(&first)).await.json()["status"], "CAPTURING");
    let stopped = api.post_empty(&format!("{}/stop", one(&first))).await;
    assert_eq!(stopped.status, 200, "{}", stopped.body);
    assert_eq!(stopped.json()["status"], "STOPPED");
    assert!(stopped.json()["url"].is_string());
    api.post_empty(&format!("{}/stop", one(&first)))
        .await
        .error(400);

    let second = api.post(&sessions, &json!({ "duration": 30 })).await.json()["sessionId"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    emu.advance_clock(Duration::from_secs(30));
    let done = api.get(&one(&second)).await.json();
    assert_eq!(done["status"], "DONE");
    assert!(done["startedTime"].is_string() && done["endedTime"].is_string());
    api.post_empty(&format!("{}/stop", one(&second)))
        .await
        .error(400);

    // With a provision delay every short step takes that long.
    emu.set_provision_delay(Duration::from_secs(10));
    let third = api.post(&sessions, &json!({ "duration": 30 })).await.json()["sessionId"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    let status = |reply: Reply| {
        reply.json()["status"]
            .as_str()
            .unwrap_or_default()
            .to_owned()
    };
    assert_eq!(status(api.get(&one(&third)).await), "REQUESTED");
    for (advance, expected) in [
        (10, "ACCEPTED"),
        (10, "CAPTURING"),
        (30, "POST_PROCESSING"),
        (10, "DONE"),
    ] {
        emu.advance_clock(Duration::from_secs(advance));
        assert_eq!(status(api.get(&one(&third)).await), expected);
    }

    let page = api.get(&format!("{sessions}?limit=2")).await;
    assert_eq!(ids(&page, "sessionId"), [first.as_str(), second.as_str()]);
    assert_eq!(page.next_key(), Some(second.as_str()));
    let rest = api
        .get(&format!("{sessions}?limit=2&last_evaluated_key={second}"))
        .await;
    assert_eq!(ids(&rest, "sessionId"), [third.as_str()]);
    assert_eq!(rest.next_key(), None);

    let deleted = api.delete(&one(&first)).await;
    assert_eq!(deleted.status, 200, "{}", deleted.body);
    assert_eq!(deleted.json()["sessionId"], first.as_str());
    api.get(&one(&first)).await.error(404);
    api.delete(&one(&first)).await.error(404);
}
