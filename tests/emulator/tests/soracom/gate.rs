//! Gate (peers, SIM-based routing, IP address map) and Junction.

use super::*;

#[tokio::test]
async fn gate_peers_sim_routing_and_ip_address_map() {
    let emu = start(Config::default()).await;
    let api = Api::login(&emu).await;
    let id = api
        .create_vpg(json!({ "type": 14, "deviceSubnetCidrRange": "10.0.0.0/24" }))
        .await;
    let vpg = |suffix: &str| format!("/virtual_private_gateways/{id}{suffix}");

    api.post(
        &vpg("/gate/peers"),
        &json!({ "outerIpAddress": "172.31.0.10" }),
    )
    .await
    .error(400);
    api.post_empty(&vpg("/gate/routing/static/sims/enable"))
        .await
        .error(400);
    api.post_empty(&vpg("/gate/close")).await.error(400);
    api.post(&vpg("/gate/open"), &json!({ "vxlanId": 0 }))
        .await
        .error(400);
    api.post(
        &vpg("/gate/open"),
        &json!({ "vxlanId": 42, "privacySeparatorEnabled": true }),
    )
    .await
    .empty(200);
    api.post_empty(&vpg("/gate/open")).await.error(400);
    let shown = api.vpg(&id).await;
    assert_eq!(shown["gateOpened"], true);
    assert_eq!(shown["gateVxlanId"], 42);
    assert_eq!(shown["gatePrivacySeparatorEnabled"], true);

    let peer = api
        .post(
            &vpg("/gate/peers"),
            &json!({ "outerIpAddress": "172.31.0.10" }),
        )
        .await;
    assert_eq!(peer.status, 200, "{}", peer.body);
    assert_eq!(
        peer.json(),
        json!({ "outerIpAddress": "172.31.0.10", "innerIpAddress": "10.0.0.2",
                "netmask": "255.255.255.0", "ownedByCustomer": true })
    );
    let explicit = api
        .post(
            &vpg("/gate/peers"),
            &json!({ "outerIpAddress": "172.31.0.11", "innerIpAddress": "10.0.0.50" }),
        )
        .await;
    assert_eq!(explicit.json()["innerIpAddress"], "10.0.0.50");
    api.post(
        &vpg("/gate/peers"),
        &json!({ "outerIpAddress": "172.31.0.10" }),
    )
    .await
    .error(400);
    api.post(
        &vpg("/gate/peers"),
        &json!({ "outerIpAddress": "172.31.0.12", "innerIpAddress": "10.9.0.1" }),
    )
    .await
    .error(400);
    api.post(
        &vpg("/gate/peers"),
        &json!({ "outerIpAddress": "172.31.0.12", "innerIpAddress": "10.0.0.50" }),
    )
    .await
    .error(400);
    let peers = api.get(&vpg("/gate/peers")).await.json();
    let peers = peers.as_array().cloned().unwrap_or_default();
    assert_eq!(peers.len(), 3);
    let own: Vec<&Value> = peers
        .iter()
        .filter(|p| p["ownedByCustomer"] == false)
        .collect();
    assert_eq!(own.len(), 1);
    assert_eq!(own[0]["innerIpAddress"], "10.0.0.1");
    let own_outer = own[0]["outerIpAddress"]
        .as_str()
        .unwrap_or_default()
        .to_owned();

    api.post(
        &vpg("/gate/set_vxlan_id"),
        &json!({ "vxlanId": 16_777_216 }),
    )
    .await
    .error(400);
    api.post(&vpg("/gate/set_vxlan_id"), &json!({ "vxlanId": 7 }))
        .await
        .empty(204);
    assert_eq!(api.vpg(&id).await["gateVxlanId"], 7);
    let toggled = api
        .post_empty(&vpg("/gate/disable_privacy_separator"))
        .await;
    assert_eq!(toggled.json()["gatePrivacySeparatorEnabled"], false);
    let toggled = api.post_empty(&vpg("/gate/enable_privacy_separator")).await;
    assert_eq!(toggled.json()["gatePrivacySeparatorEnabled"], true);

    api.post_empty(&vpg("/gate/routing/static/sims/enable"))
        .await
        .empty(201);
    let routes = json!({ "8942310022000012345": "192.168.10.0/24" });
    api.put(&vpg("/gate/routing/static/sims/routes"), &routes)
        .await
        .empty(200);
    api.put(
        &vpg("/gate/routing/static/sims/routes"),
        &json!({ "sim": "nope" }),
    )
    .await
    .error(400);
    let shown = api.vpg(&id).await;
    assert_eq!(shown["enableSimBasedRouting"], true);
    assert_eq!(shown["simBasedRoutingConfig"], routes);
    api.post_empty(&vpg("/gate/routing/static/sims/disable"))
        .await
        .empty(204);

    // IP address map: the gateway's own peer, customer peers and static entries.
    let entry = api
        .post(
            &vpg("/ip_address_map"),
            &json!({ "key": "440101234567890", "ipAddress": "10.0.0.20" }),
        )
        .await;
    assert_eq!(entry.status, 200, "{}", entry.body);
    assert_eq!(entry.json()["type"], "static");
    assert_eq!(entry.json()["hostId"], "440101234567890");
    let moved = api
        .post(
            &vpg("/ip_address_map"),
            &json!({ "key": "440101234567890", "ipAddress": "10.0.0.21" }),
        )
        .await;
    assert_eq!(moved.json()["ipAddress"], "10.0.0.21");
    api.post(
        &vpg("/ip_address_map"),
        &json!({ "key": "440101234567891", "ipAddress": "10.0.0.2" }),
    )
    .await
    .error(400);
    api.post(
        &vpg("/ip_address_map"),
        &json!({ "key": "10.0.0.2", "ipAddress": "10.0.0.30" }),
    )
    .await
    .error(400);
    api.post(
        &vpg("/ip_address_map"),
        &json!({ "key": "440101234567892", "ipAddress": "10.1.0.30" }),
    )
    .await
    .error(400);
    let map = api.get(&vpg("/ip_address_map")).await;
    let types: Vec<String> = ids(&map, "type");
    assert_eq!(
        types,
        ["gatePeer", "customerGatePeer", "customerGatePeer", "static"]
    );
    let page = api.get(&vpg("/ip_address_map?limit=3")).await;
    assert_eq!(ids(&page, "key"), ["10.0.0.1", "10.0.0.2", "10.0.0.50"]);
    assert_eq!(page.next_key(), Some("10.0.0.50"));
    let rest = api
        .get(&vpg("/ip_address_map?limit=3&last_evaluated_key=10.0.0.50"))
        .await;
    assert_eq!(ids(&rest, "key"), ["440101234567890"]);
    assert_eq!(rest.next_key(), None);
    api.delete(&vpg("/ip_address_map/10.0.0.2"))
        .await
        .error(400);
    api.delete(&vpg("/ip_address_map/440101234567890"))
        .await
        .empty(204);
    api.delete(&vpg("/ip_address_map/440101234567890"))
        .await
        .error(404);

    api.delete(&vpg(&format!("/gate/peers/{own_outer}")))
        .await
        .error(400);
    api.delete(&vpg("/gate/peers/172.31.0.10")).await.empty(204);
    api.delete(&vpg("/gate/peers/172.31.0.10")).await.error(404);
    api.post_empty(&vpg("/gate/close")).await.empty(200);
    assert_eq!(api.get(&vpg("/gate/peers")).await.json(), json!([]));
    assert_eq!(api.vpg(&id).await["gateOpened"], false);
    api.get("/virtual_private_gateways/missing/gate/peers")
        .await
        .error(404);
}

#[tokio::test]
async fn junction_mirroring_inspection_and_redirection() {
    let emu = start(Config::default()).await;
    let api = Api::login(&emu).await;
    let id = api.create_vpg(json!({ "type": 14 })).await;
    let vpg = |suffix: &str| format!("/virtual_private_gateways/{id}{suffix}");

    api.post(
        &vpg("/junction/mirroring/peers"),
        &json!({ "protocol": "gre" }),
    )
    .await
    .error(400);
    api.post(
        &vpg("/junction/mirroring/peers"),
        &json!({ "ipAddress": "10.1.1.1", "protocol": "gre", "description": "tap" }),
    )
    .await
    .empty(201);
    let shown = api.vpg(&id).await;
    assert_eq!(shown["mirroring"]["peers"]["10.1.1.1"]["enabled"], false);
    assert_eq!(shown["junctionEnabled"], false);
    let update =
        json!([{ "key": "enabled", "value": "true" }, { "key": "description", "value": "on" }]);
    api.put(&vpg("/junction/mirroring/peers/10.1.1.1"), &update)
        .await
        .empty(200);
    let shown = api.vpg(&id).await;
    assert_eq!(shown["mirroring"]["peers"]["10.1.1.1"]["description"], "on");
    assert_eq!(shown["junctionEnabled"], true);
    api.put(
        &vpg("/junction/mirroring/peers/10.1.1.1"),
        &json!([{ "key": "color", "value": "x" }]),
    )
    .await
    .error(400);
    api.put(&vpg("/junction/mirroring/peers/10.9.9.9"), &update)
        .await
        .error(404);
    api.delete(&vpg("/junction/mirroring/peers/10.1.1.1"))
        .await
        .empty(204);
    api.delete(&vpg("/junction/mirroring/peers/10.1.1.1"))
        .await
        .error(404);

    api.post(
        &vpg("/junction/set_inspection"),
        &json!({ "enabled": true }),
    )
    .await
    .empty(200);
    assert_eq!(api.vpg(&id).await["inspection"], json!({ "enabled": true }));
    api.post_empty(&vpg("/junction/unset_inspection"))
        .await
        .empty(200);
    assert_eq!(
        api.vpg(&id).await["inspection"],
        json!({ "enabled": false })
    );
    api.post(
        &vpg("/junction/set_redirection"),
        &json!({ "enabled": true, "gateway": "bad" }),
    )
    .await
    .error(400);
    let redirection = json!({ "enabled": true, "gateway": "10.2.2.2", "description": "fw" });
    api.post(&vpg("/junction/set_redirection"), &redirection)
        .await
        .empty(200);
    let shown = api.vpg(&id).await;
    assert_eq!(shown["redirection"], redirection);
    assert_eq!(shown["junctionEnabled"], true);
    api.post_empty(&vpg("/junction/unset_redirection"))
        .await
        .empty(200);
    assert_eq!(api.vpg(&id).await["junctionEnabled"], false);
}
