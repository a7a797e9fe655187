//! Flow tests of the nouns and the catalogue against a fake Soracom API (the SDK's native test
//! host): which requests go out, with which bodies, and how answers become records and errors.

use portico_adapter_sdk::http::Response;
use portico_adapter_sdk::serde_json::{Value, json};
use portico_adapter_sdk::testing::{self, MockGuard, empty_response, json_response};
use portico_adapter_sdk::{
    CredentialScheme, Error, GatewaySpec, Locator, MappingSpec, Method, Page, PeerSpec, Query,
    State,
};

use crate::SoracomVpg;
use crate::gateways::GATEWAYS;
use crate::mappings::MAPPINGS;
use crate::peers::PEERS;

const BASE: &str = "https://api.soracom.io/v1";
const VPGS: &str = "/virtual_private_gateways";

/// Answer requests with `route(method, path-and-query, body)`; checks every request names the
/// `soracom` credential and sets no credential header itself.
fn fake(route: impl FnMut(&str, &str, Option<Value>) -> Response + 'static) -> MockGuard {
    testing::fake_api(BASE, Some("soracom"), route)
}

fn requests() -> Vec<String> {
    testing::requests(BASE)
}

fn body_of(index: usize) -> Value {
    testing::body_of(index)
}

fn paged(items: Value, next: Option<&str>) -> Response {
    let mut response = json_response(200, &items);
    if let Some(next) = next {
        response
            .headers
            .push(("x-soracom-next-key".into(), next.into()));
    }
    response
}

fn soracom_error(status: u16, code: &str, message: &str) -> Response {
    json_response(status, &json!({"code": code, "message": message}))
}

fn vpg(id: &str) -> Value {
    json!({
        "vpgId": id,
        "operatorId": "OP0000000001",
        "type": 14,
        "status": "running",
        "createdTime": 1_714_557_600_000_i64,
        "deviceSubnetCidrRange": "10.128.0.0/9",
        "fixedPublicIpAddresses": [],
        "gateOpened": true,
        "tags": {"name": id},
        "mirroring": {"peers": {
            "192.0.2.9": {"ipAddress": "192.0.2.9", "protocol": "gre", "enabled": true, "description": "ids"}
        }},
        "customerRoutes": {
            "r-1": {"id": "r-1", "destinationCidr": "172.16.0.0/16", "target": "tgw-1", "type": "static"},
            "r-2": {"id": "r-2", "destinationCidr": "172.17.0.0/16", "target": "tgw-1", "type": "static"}
        }
    })
}

fn gate_peers() -> Value {
    json!([
        {"outerIpAddress": "198.51.100.7", "innerIpAddress": "10.128.0.5", "netmask": "255.128.0.0", "ownedByCustomer": true},
        {"outerIpAddress": "198.51.100.8", "innerIpAddress": "10.128.0.6", "netmask": "255.128.0.0", "ownedByCustomer": true}
    ])
}

fn ip_entry(key: &str, ip: &str) -> Value {
    json!({"key": key, "hostId": key, "ipAddress": ip, "type": "static", "lastUpdatedAt": 1})
}

fn query(
    parent: Option<&str>,
    kind: Option<&str>,
    limit: Option<u32>,
    cursor: Option<String>,
) -> Query {
    Query {
        parent_id: parent.map(str::to_owned),
        kind: kind.map(str::to_owned),
        filters: Vec::new(),
        page: Page { limit, cursor },
    }
}

fn locator(id: &str, parent: Option<&str>, kind: Option<&str>) -> Locator {
    Locator {
        id: id.to_owned(),
        parent_id: parent.map(str::to_owned),
        kind: kind.map(str::to_owned),
    }
}

fn gateway_spec() -> GatewaySpec {
    GatewaySpec {
        kind: None,
        name: None,
        description: None,
        public_address: None,
        networks: Vec::new(),
        labels: Vec::new(),
        clear: Vec::new(),
        properties: String::new(),
        secrets: Vec::new(),
    }
}

fn peer_spec(kind: Option<&str>) -> PeerSpec {
    PeerSpec {
        kind: kind.map(str::to_owned),
        parent_id: Some("v1".into()),
        name: None,
        description: None,
        public_key: None,
        endpoint: None,
        allowed_networks: Vec::new(),
        labels: Vec::new(),
        clear: Vec::new(),
        properties: String::new(),
        secrets: Vec::new(),
    }
}

fn mapping_spec(kind: Option<&str>) -> MappingSpec {
    MappingSpec {
        kind: kind.map(str::to_owned),
        parent_id: Some("v1".into()),
        name: None,
        source: None,
        destination: None,
        allowed_networks: Vec::new(),
        labels: Vec::new(),
        clear: Vec::new(),
        properties: String::new(),
        secrets: Vec::new(),
    }
}

#[test]
fn describe_names_the_token_exchange() {
    let d = SoracomVpg::ADAPTER.describe();
    let CredentialScheme::TokenExchange(scheme) = &d.credentials[0].schemes[0] else {
        panic!("expected a token exchange");
    };
    assert_eq!(scheme.path, "/v1/auth");
    assert_eq!(scheme.captures.len(), 2);
}

#[test]
fn gateway_list_pages_with_the_next_key_and_filters_by_tag() {
    let _host = fake(|_, path, _| match path {
        "/virtual_private_gateways?tag_name=name&tag_value=edge&limit=2" => {
            paged(json!([vpg("v1"), vpg("v2")]), Some("v2"))
        }
        "/virtual_private_gateways?tag_name=name&tag_value=edge&limit=2&last_evaluated_key=v2" => {
            paged(json!([vpg("v3")]), None)
        }
        other => panic!("unexpected {other}"),
    });
    let mut q = query(None, Some("vpg"), Some(2), None);
    q.filters = vec![("name".into(), "edge".into())];
    let first = GATEWAYS.list(q.clone()).unwrap();
    let ids: Vec<&str> = first.items.iter().map(|g| g.id.as_str()).collect();
    assert_eq!(ids, ["v1", "v2"]);
    assert_eq!(first.items[0].state, State::Available);
    assert_eq!(first.items[0].networks, ["10.128.0.0/9"]);
    q.page.cursor = first.next;
    let second = GATEWAYS.list(q).unwrap();
    assert_eq!(second.items[0].id, "v3");
    assert_eq!(second.next, None);
    assert_eq!(requests().len(), 2);

    let err = GATEWAYS
        .list(query(None, Some("ipsec"), None, None))
        .unwrap_err();
    assert!(matches!(err, Error::InvalidInput(_)));
}

#[test]
fn gateway_create_get_update_and_terminate() {
    let _host = fake(|method, path, body| match (method, path) {
        ("POST", VPGS) => {
            let body = body.unwrap();
            let mut doc = vpg("v9");
            doc["type"] = body["type"].clone();
            doc["tags"] = body["tags"].clone();
            json_response(201, &doc)
        }
        ("GET", "/virtual_private_gateways/v9") => json_response(200, &vpg("v9")),
        ("PUT", "/virtual_private_gateways/v9/tags") => empty_response(204),
        ("DELETE", "/virtual_private_gateways/v9/tags/team") => {
            soracom_error(404, "VPG0404", "No such tag")
        }
        ("POST", "/virtual_private_gateways/v9/terminate") => empty_response(200),
        _ => soracom_error(404, "VPG0001", "No such VPG"),
    });
    let created = GATEWAYS
        .create(GatewaySpec {
            name: Some("factory".into()),
            networks: vec!["10.200.0.0/16".into()],
            ..gateway_spec()
        })
        .unwrap();
    assert_eq!(created.id, "v9");
    assert_eq!(created.name.as_deref(), Some("factory"));
    assert_eq!(
        body_of(0),
        json!({"type": 14, "deviceSubnetCidrRange": "10.200.0.0/16", "tags": {"name": "factory"}})
    );

    let got = GATEWAYS.get(locator("v9", None, None)).unwrap();
    assert_eq!(got.created_at.as_deref(), Some("2024-05-01T10:00:00.000Z"));

    GATEWAYS
        .update(
            locator("v9", None, None),
            GatewaySpec {
                name: Some("renamed".into()),
                properties: r#"{"tags": {"team": null}}"#.into(),
                ..gateway_spec()
            },
        )
        .unwrap();
    assert_eq!(
        body_of(2),
        json!([{"tagName": "name", "tagValue": "renamed"}])
    );
    let err = GATEWAYS
        .update(
            locator("v9", None, None),
            GatewaySpec {
                properties: r#"{"useInternetGateway": false}"#.into(),
                ..gateway_spec()
            },
        )
        .unwrap_err();
    assert!(matches!(err, Error::Unsupported(_)));

    GATEWAYS.delete(locator("v9", None, Some("vpg"))).unwrap();
    assert_eq!(
        requests(),
        [
            "POST /virtual_private_gateways",
            "GET /virtual_private_gateways/v9",
            "PUT /virtual_private_gateways/v9/tags",
            "DELETE /virtual_private_gateways/v9/tags/team",
            "GET /virtual_private_gateways/v9",
            "GET /virtual_private_gateways/v9",
            "POST /virtual_private_gateways/v9/terminate",
        ]
    );

    let err = GATEWAYS.get(locator("nope", None, None)).unwrap_err();
    let Error::NotFound(problem) = err else {
        panic!("expected not-found");
    };
    assert_eq!(problem.code.as_deref(), Some("VPG0001"));
    assert_eq!(problem.message, "No such VPG");
}

#[test]
fn tunnels_are_unsupported() {
    let err = SoracomVpg::ADAPTER
        .tunnels
        .list(query(None, None, None, None))
        .unwrap_err();
    assert!(matches!(err, Error::Unsupported(_)));
}

#[test]
fn peers_list_both_kinds_and_page_locally() {
    let _host = fake(|_, path, _| match path {
        "/virtual_private_gateways/v1" => json_response(200, &vpg("v1")),
        "/virtual_private_gateways/v1/gate/peers" => json_response(200, &gate_peers()),
        other => panic!("unexpected {other}"),
    });
    let first = PEERS.list(query(Some("v1"), None, Some(2), None)).unwrap();
    let ids: Vec<(&str, &str)> = first
        .items
        .iter()
        .map(|p| (p.id.as_str(), p.kind.as_str()))
        .collect();
    assert_eq!(ids, [("198.51.100.7", "gate"), ("198.51.100.8", "gate")]);
    assert_eq!(first.items[0].allowed_networks, ["10.128.0.5/32"]);
    let second = PEERS
        .list(query(Some("v1"), None, Some(2), first.next))
        .unwrap();
    assert_eq!(second.items.len(), 1);
    assert_eq!(second.items[0].kind, "mirroring");
    assert_eq!(second.items[0].description.as_deref(), Some("ids"));
    assert_eq!(second.next, None);

    let gate_only = PEERS
        .list(query(Some("v1"), Some("gate"), None, None))
        .unwrap();
    assert_eq!(gate_only.items.len(), 2);
    let err = PEERS
        .list(query(None, Some("gate"), None, None))
        .unwrap_err();
    assert!(err.message().contains("`parent-id`"));
}

#[test]
fn peers_skip_gate_when_closed() {
    let _host = fake(|_, path, _| match path {
        "/virtual_private_gateways/v1" => {
            let mut doc = vpg("v1");
            doc["gateOpened"] = json!(false);
            json_response(200, &doc)
        }
        other => panic!("unexpected {other}"),
    });
    let page = PEERS.list(query(Some("v1"), None, None, None)).unwrap();
    assert_eq!(page.items.len(), 1);
    assert_eq!(page.items[0].kind, "mirroring");
}

#[test]
fn gate_peers_register_find_and_unregister() {
    let _host = fake(|method, path, body| match (method, path) {
        ("POST", "/virtual_private_gateways/v1/gate/peers") => {
            let mut doc = body.unwrap();
            doc["netmask"] = json!("255.128.0.0");
            doc["ownedByCustomer"] = json!(true);
            json_response(200, &doc)
        }
        ("GET", "/virtual_private_gateways/v1/gate/peers") => json_response(200, &gate_peers()),
        ("GET", "/virtual_private_gateways/v1") => json_response(200, &vpg("v1")),
        ("DELETE", "/virtual_private_gateways/v1/gate/peers/198.51.100.8") => empty_response(204),
        _ => soracom_error(404, "VPG0001", "No such VPG"),
    });
    let created = PEERS
        .create(PeerSpec {
            endpoint: Some("198.51.100.9".into()),
            allowed_networks: vec!["10.128.0.7".into()],
            ..peer_spec(Some("gate"))
        })
        .unwrap();
    assert_eq!(created.id, "198.51.100.9");
    assert_eq!(
        body_of(0),
        json!({"outerIpAddress": "198.51.100.9", "innerIpAddress": "10.128.0.7"})
    );
    let got = PEERS
        .get(locator("198.51.100.8", Some("v1"), Some("gate")))
        .unwrap();
    assert_eq!(got.endpoint.as_deref(), Some("198.51.100.8"));
    let err = PEERS
        .get(locator("203.0.113.1", Some("v1"), None))
        .unwrap_err();
    assert!(err.is_not_found());
    assert!(err.message().contains("Gate or mirroring peer"));

    let err = PEERS
        .update(
            locator("198.51.100.8", Some("v1"), Some("gate")),
            peer_spec(None),
        )
        .unwrap_err();
    assert!(matches!(err, Error::Unsupported(_)));

    let before = requests().len();
    PEERS
        .delete(locator("198.51.100.8", Some("v1"), None))
        .unwrap();
    assert_eq!(
        requests()[before..],
        [
            "GET /virtual_private_gateways/v1",
            "GET /virtual_private_gateways/v1/gate/peers",
            "DELETE /virtual_private_gateways/v1/gate/peers/198.51.100.8",
        ]
    );
    let err = PEERS.create(peer_spec(None)).unwrap_err();
    assert!(err.message().contains("`kind`"));
}

#[test]
fn mirroring_peers_create_update_and_delete() {
    let _host = fake(|method, path, _| match (method, path) {
        ("POST", "/virtual_private_gateways/v1/junction/mirroring/peers") => empty_response(201),
        ("PUT", "/virtual_private_gateways/v1/junction/mirroring/peers/192.0.2.9") => {
            empty_response(200)
        }
        ("DELETE", "/virtual_private_gateways/v1/junction/mirroring/peers/192.0.2.9") => {
            empty_response(204)
        }
        ("GET", "/virtual_private_gateways/v1") => json_response(200, &vpg("v1")),
        ("GET", "/virtual_private_gateways/v1/gate/peers") => json_response(200, &gate_peers()),
        _ => soracom_error(404, "VPG0001", "No such VPG"),
    });
    // Not yet in the VPG document the fake serves: the sent peer is reported.
    let created = PEERS
        .create(PeerSpec {
            endpoint: Some("192.0.2.50".into()),
            description: Some("tap".into()),
            ..peer_spec(Some("mirroring"))
        })
        .unwrap();
    assert_eq!(created.id, "192.0.2.50");
    assert_eq!(created.state, State::Inactive);
    assert_eq!(
        body_of(0),
        json!({"ipAddress": "192.0.2.50", "description": "tap", "protocol": "gre"})
    );

    let updated = PEERS
        .update(
            locator("192.0.2.9", Some("v1"), None),
            PeerSpec {
                parent_id: None,
                description: Some("new".into()),
                properties: r#"{"enabled": true}"#.into(),
                ..peer_spec(None)
            },
        )
        .unwrap();
    assert_eq!(updated.kind, "mirroring");
    let put = testing::sent()
        .into_iter()
        .position(|r| r.method == Method::Put)
        .unwrap();
    assert_eq!(
        body_of(put),
        json!([{"key": "enabled", "value": "true"}, {"key": "description", "value": "new"}])
    );
    PEERS
        .delete(locator("192.0.2.9", Some("v1"), Some("mirroring")))
        .unwrap();
    assert_eq!(
        requests().last().unwrap(),
        "DELETE /virtual_private_gateways/v1/junction/mirroring/peers/192.0.2.9"
    );
}

#[test]
fn mappings_walk_the_ip_map_then_customer_routes() {
    let _host = fake(|_, path, _| match path {
        "/virtual_private_gateways/v1/ip_address_map?limit=2" => paged(
            json!([
                ip_entry("4401", "10.128.0.10"),
                ip_entry("4402", "10.128.0.11")
            ]),
            Some("4402"),
        ),
        "/virtual_private_gateways/v1/ip_address_map?limit=2&last_evaluated_key=4402" => {
            paged(json!([ip_entry("4403", "10.128.0.12")]), None)
        }
        "/virtual_private_gateways/v1" => json_response(200, &vpg("v1")),
        other => panic!("unexpected {other}"),
    });
    let mut pages = Vec::new();
    let mut cursor = None;
    loop {
        let page = MAPPINGS
            .list(query(Some("v1"), None, Some(2), cursor))
            .unwrap();
        pages.push(
            page.items
                .iter()
                .map(|m| format!("{}:{}", m.kind, m.id))
                .collect::<Vec<_>>(),
        );
        match page.next {
            Some(next) => cursor = Some(next),
            None => break,
        }
    }
    assert_eq!(
        pages,
        [
            vec!["ip-address-map:4401", "ip-address-map:4402"],
            vec!["ip-address-map:4403", "customer-route:r-1"],
            vec!["customer-route:r-2"],
        ]
    );
}

#[test]
fn mappings_create_get_update_delete() {
    let _host = fake(|method, path, body| match (method, path) {
        ("POST", "/virtual_private_gateways/v1/ip_address_map") => {
            let body = body.unwrap();
            json_response(
                200,
                &ip_entry(
                    body["key"].as_str().unwrap(),
                    body["ipAddress"].as_str().unwrap(),
                ),
            )
        }
        ("GET", "/virtual_private_gateways/v1/ip_address_map") => {
            paged(json!([ip_entry("4401", "10.128.0.10")]), Some("4401"))
        }
        ("GET", "/virtual_private_gateways/v1/ip_address_map?last_evaluated_key=4401") => {
            paged(json!([ip_entry("4409", "10.128.0.19")]), None)
        }
        ("POST", "/virtual_private_gateways/v1/customer_routes") => {
            let mut doc = body.unwrap();
            doc["id"] = json!("r-9");
            doc["type"] = json!("static");
            json_response(201, &doc)
        }
        ("PUT", "/virtual_private_gateways/v1/customer_routes/r-1") => json_response(
            200,
            &json!({"id": "r-1", "destinationCidr": "172.16.0.0/16", "target": body.unwrap()["target"], "type": "static"}),
        ),
        ("GET", "/virtual_private_gateways/v1") => json_response(200, &vpg("v1")),
        ("DELETE", "/virtual_private_gateways/v1/ip_address_map/4409") => empty_response(204),
        ("DELETE", "/virtual_private_gateways/v1/customer_routes/r-2") => empty_response(204),
        (method, path) => panic!("unexpected {method} {path}"),
    });
    let entry = MAPPINGS
        .create(MappingSpec {
            source: Some("4405".into()),
            destination: Some("10.128.0.15".into()),
            ..mapping_spec(Some("ip-address-map"))
        })
        .unwrap();
    assert_eq!(
        (entry.id.as_str(), entry.destination.as_deref()),
        ("4405", Some("10.128.0.15"))
    );
    let route = MAPPINGS
        .create(MappingSpec {
            source: Some("10.10.0.0/16".into()),
            destination: Some("tgw-2".into()),
            ..mapping_spec(Some("customer-route"))
        })
        .unwrap();
    assert_eq!(route.id, "r-9");
    assert_eq!(
        body_of(1),
        json!({"destinationCidr": "10.10.0.0/16", "target": "tgw-2"})
    );

    // Without a kind: customer routes first, then the IP address map, page by page.
    let found = MAPPINGS.get(locator("4409", Some("v1"), None)).unwrap();
    assert_eq!(found.kind, "ip-address-map");
    assert_eq!(found.destination.as_deref(), Some("10.128.0.19"));

    let updated = MAPPINGS
        .update(
            locator("r-1", Some("v1"), Some("customer-route")),
            MappingSpec {
                destination: Some("tgw-3".into()),
                ..mapping_spec(None)
            },
        )
        .unwrap();
    assert_eq!(updated.destination.as_deref(), Some("tgw-3"));
    let updated = MAPPINGS
        .update(
            locator("4401", Some("v1"), Some("ip-address-map")),
            MappingSpec {
                destination: Some("10.128.0.99".into()),
                ..mapping_spec(None)
            },
        )
        .unwrap();
    assert_eq!(updated.destination.as_deref(), Some("10.128.0.99"));
    let last_post = testing::sent()
        .into_iter()
        .rposition(|r| r.method == Method::Post)
        .unwrap();
    assert_eq!(
        body_of(last_post),
        json!({"key": "4401", "ipAddress": "10.128.0.99"})
    );

    MAPPINGS
        .delete(locator("4409", Some("v1"), Some("ip-address-map")))
        .unwrap();
    MAPPINGS.delete(locator("r-2", Some("v1"), None)).unwrap();
    assert_eq!(
        requests().last().unwrap(),
        "DELETE /virtual_private_gateways/v1/customer_routes/r-2"
    );
    let err = MAPPINGS
        .get(locator("r-404", Some("v1"), Some("customer-route")))
        .unwrap_err();
    assert!(err.is_not_found());
    let err = MAPPINGS.create(mapping_spec(None)).unwrap_err();
    assert!(err.message().contains("`kind`"));
}

#[test]
fn catalogue_invokes_by_name_and_pages() {
    let _host = fake(|method, path, body| match (method, path) {
        ("GET", "/virtual_private_gateways/v1/packet_capture_sessions?limit=1") => {
            paged(json!([{"sessionId": "s1", "status": "DONE"}]), Some("s1"))
        }
        (
            "GET",
            "/virtual_private_gateways/v1/packet_capture_sessions?limit=1&last_evaluated_key=s1",
        ) => paged(json!([{"sessionId": "s2", "status": "DONE"}]), None),
        ("POST", "/virtual_private_gateways/v1/gate/open") => {
            assert_eq!(body, Some(json!({})));
            empty_response(200)
        }
        ("POST", "/virtual_private_gateways/v1/gate/close") => {
            assert_eq!(body, None);
            empty_response(200)
        }
        _ => soracom_error(404, "VPG0001", "No such VPG"),
    });
    assert_eq!(SoracomVpg::ADAPTER.operations.catalog().len(), 49);
    let params = vec![
        ("vpg_id".to_owned(), "v1".to_owned()),
        ("limit".to_owned(), "1".to_owned()),
    ];
    let first = SoracomVpg::ADAPTER
        .operations
        .invoke(
            "listPacketCaptureSessions".into(),
            params.clone(),
            None,
            None,
            vec![],
        )
        .unwrap();
    assert!(first.body.unwrap().as_str().contains("s1"));
    let second = SoracomVpg::ADAPTER
        .operations
        .invoke(
            "listPacketCaptureSessions".into(),
            params,
            None,
            first.next,
            vec![],
        )
        .unwrap();
    assert!(second.body.unwrap().as_str().contains("s2"));
    assert_eq!(second.next, None);

    let vpg_param = vec![("vpg_id".to_owned(), "v1".to_owned())];
    let opened = SoracomVpg::ADAPTER
        .operations
        .invoke("openGate".into(), vpg_param.clone(), None, None, vec![])
        .unwrap();
    assert_eq!((opened.status, opened.body), (200, None));
    SoracomVpg::ADAPTER
        .operations
        .invoke("closeGate".into(), vpg_param.clone(), None, None, vec![])
        .unwrap();
    let err = SoracomVpg::ADAPTER
        .operations
        .invoke(
            "registerGatePeer".into(),
            vpg_param.clone(),
            None,
            None,
            vec![],
        )
        .unwrap_err();
    assert!(err.message().contains("body"));

    let err = SoracomVpg::ADAPTER
        .operations
        .invoke(
            "getVirtualPrivateGateway".into(),
            vec![("vpg_id".into(), "gone".into())],
            None,
            None,
            vec![],
        )
        .unwrap_err();
    assert_eq!(
        err.problem().and_then(|p| p.code.as_deref()),
        Some("VPG0001")
    );
    let err = SoracomVpg::ADAPTER
        .operations
        .invoke("nope".into(), vec![], None, None, vec![])
        .unwrap_err();
    // Contract 0.2.0: an unknown operation name is `unsupported` (0.1.0's SDK said invalid-input).
    assert!(matches!(err, Error::Unsupported(_)));
}

#[test]
fn profile_settings_pick_the_host() {
    let _host = testing::mock_http(|request| {
        assert!(
            request
                .url
                .starts_with("https://g.api-sandbox.soracom.io/v1/virtual_private_gateways/"),
            "{}",
            request.url
        );
        Ok(json_response(200, &vpg("v1")))
    });
    testing::set_config("coverage", "g");
    testing::set_config("sandbox", "true");
    GATEWAYS.get(locator("v1", None, None)).unwrap();
    testing::set_config("coverage", "us");
    let err = GATEWAYS.get(locator("v1", None, None)).unwrap_err();
    assert!(err.message().contains("`coverage`"));
}

mod contract;
