//! Canal: customer routes, VPC peering and transit gateway attachments.

use super::*;

#[tokio::test]
async fn canal_routes_peering_and_transit_gateways() {
    let emu = start(Config {
        provision_delay: Duration::from_secs(5),
        ..Config::default()
    })
    .await;
    let api = Api::login(&emu).await;
    let id = api.create_vpg(json!({ "type": 15 })).await;
    let vpg = |suffix: &str| format!("/virtual_private_gateways/{id}{suffix}");

    api.post(
        &vpg("/customer_routes"),
        &json!({ "destinationCidr": "10.200.0.0/16", "target": "tgw-1" }),
    )
    .await
    .error(400);
    api.post(
        &vpg("/customer_routes"),
        &json!({ "destinationCidr": "172.16.0.0/16" }),
    )
    .await
    .error(400);
    let created = api
        .post(
            &vpg("/customer_routes"),
            &json!({ "destinationCidr": "172.16.0.0/16", "target": "tgw-1" }),
        )
        .await;
    assert_eq!(created.status, 201, "{}", created.body);
    let route = created.json();
    assert_eq!(route["type"], "static");
    let route_id = route["id"].as_str().unwrap_or_default().to_owned();
    api.post(
        &vpg("/customer_routes"),
        &json!({ "destinationCidr": "10.200.0.0/16", "target": "tgw-1",
                      "ignoreDeviceSubnetCidrRangeOverlap": true }),
    )
    .await;
    let updated = api
        .put(
            &vpg(&format!("/customer_routes/{route_id}")),
            &json!({ "target": "tgw-2" }),
        )
        .await;
    assert_eq!(updated.status, 200);
    assert_eq!(updated.json()["target"], "tgw-2");
    assert_eq!(
        api.vpg(&id).await["customerRoutes"][&route_id]["target"],
        "tgw-2"
    );
    api.delete(&vpg(&format!("/customer_routes/{route_id}")))
        .await
        .empty(204);
    api.delete(&vpg(&format!("/customer_routes/{route_id}")))
        .await
        .error(404);
    api.put(&vpg("/customer_routes/nope"), &json!({ "target": "x" }))
        .await
        .error(404);

    let pcx_request = json!({ "destinationCidrBlock": "172.20.0.0/16", "peerOwnerId": "123456789012",
                              "peerRegion": "ap-northeast-1", "peerVpcId": "vpc-0abc" });
    let pcx = api
        .post(&vpg("/vpc_peering_connections"), &pcx_request)
        .await;
    assert_eq!(pcx.status, 201, "{}", pcx.body);
    let pcx_id = pcx.json()["id"].as_str().unwrap_or_default().to_owned();
    assert!(pcx_id.starts_with("pcx-"));
    assert_eq!(pcx.json()["peerVpcId"], "vpc-0abc");
    assert_eq!(
        api.vpg(&id).await["vpcPeeringConnections"][&pcx_id],
        "vpc-0abc"
    );
    api.delete(&vpg(&format!("/vpc_peering_connections/{pcx_id}")))
        .await
        .empty(204);
    api.delete(&vpg(&format!("/vpc_peering_connections/{pcx_id}")))
        .await
        .error(404);

    let peering_request = json!({ "customerAwsAccountId": "123456789012", "customerRegion": "us-west-2",
                                  "customerTransitGatewayId": "tgw-0cust", "name": "p" });
    api.post(
        &vpg("/transit_gateway_peering_connections"),
        &json!({ "name": "p" }),
    )
    .await
    .error(400);
    let peered = api
        .post(
            &vpg("/transit_gateway_peering_connections"),
            &peering_request,
        )
        .await;
    assert_eq!(peered.status, 201, "{}", peered.body);
    let peerings = peered.json()["soracomTransitGatewayPeeringConnections"].clone();
    let (peering_id, peering) = peerings
        .as_object()
        .and_then(|m| m.iter().next())
        .map(|(k, v)| (k.clone(), v.clone()))
        .expect("one peering");
    assert_eq!(peering["status"], "pending");
    emu.advance_clock(Duration::from_secs(5));
    let shown = api.vpg(&id).await;
    assert_eq!(
        shown["soracomTransitGatewayPeeringConnections"][&peering_id]["status"],
        "active"
    );
    api.delete(&vpg(&format!(
        "/transit_gateway_peering_connections/{peering_id}"
    )))
    .await
    .empty(204);
    api.delete(&vpg(&format!(
        "/transit_gateway_peering_connections/{peering_id}"
    )))
    .await
    .error(404);

    let attached = api
        .post(
            &vpg("/transit_gateway_vpc_attachments"),
            &json!({ "customerAwsAccountId": "123456789012", "customerVpcId": "vpc-1" }),
        )
        .await;
    assert_eq!(attached.status, 201, "{}", attached.body);
    let attachments = attached.json()["soracomTransitGatewayVpcAttachments"].clone();
    let attachment_id = attachments
        .as_object()
        .and_then(|m| m.keys().next().cloned())
        .expect("one attachment");
    assert_eq!(attachments[&attachment_id]["status"], "acceptancePending");
    let accept = vpg(&format!(
        "/transit_gateway_vpc_attachments/{attachment_id}/accept"
    ));
    api.post_empty(&accept).await.empty(202);
    api.post_empty(&accept).await.error(400);
    let shown = api.vpg(&id).await;
    assert_eq!(
        shown["soracomTransitGatewayVpcAttachments"][&attachment_id]["status"],
        "active"
    );
    api.delete(&vpg(&format!(
        "/transit_gateway_vpc_attachments/{attachment_id}"
    )))
    .await
    .empty(204);
    api.post_empty(&accept).await.error(404);
}
