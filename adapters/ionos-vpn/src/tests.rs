//! Flow tests of the nouns and the catalogue against a fake IONOS API (the SDK's native test
//! host): which requests go out, with which bodies, and how answers become records and errors.

use portico_adapter_sdk::http::Response;
use portico_adapter_sdk::serde_json::{self, Value, json};
use portico_adapter_sdk::testing::{self, MockGuard, empty_response, json_response};
use portico_adapter_sdk::{
    Error, GatewaySpec, Locator, Page, PeerSpec, Query, SecretInput, State, TunnelSpec,
};

use crate::IonosVpn;
use crate::gateways::GATEWAYS;
use crate::peers::PEERS;
use crate::tunnels::TUNNELS;

const BASE: &str = "https://vpn.de-fra.ionos.com";

/// Answer requests with `route(method, path-and-query, body)`; every request names `ionos`.
fn fake(route: impl FnMut(&str, &str, Option<Value>) -> Response + 'static) -> MockGuard {
    testing::fake_api(BASE, Some("ionos"), route)
}

fn requests() -> Vec<String> {
    testing::requests(BASE)
}

fn body_of(index: usize) -> Value {
    testing::body_of(index)
}

fn resource(id: &str, kind: &str, properties: Value) -> Value {
    json!({
        "id": id,
        "type": kind,
        "href": format!("/{kind}s/{id}"),
        "metadata": {"status": "AVAILABLE", "createdDate": "2024-05-01T10:00:00+00:00"},
        "properties": properties,
    })
}

fn collection(items: Vec<Value>, next: Option<&str>) -> Value {
    let mut doc = json!({"id": "list", "type": "collection", "items": items, "_links": {}});
    if let Some(next) = next {
        doc["_links"]["next"] = json!(format!("{BASE}{next}"));
    }
    doc
}

fn not_found() -> Response {
    json_response(
        404,
        &json!({"httpStatus": 404, "messages": [{"errorCode": "notfound", "message": "Resource not found"}]}),
    )
}

fn query(kind: Option<&str>, limit: Option<u32>, cursor: Option<String>) -> Query {
    Query {
        parent_id: None,
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

fn secret(name: &str) -> Vec<SecretInput> {
    vec![SecretInput {
        name: name.to_owned(),
        placeholder: format!("<<{name}>>"),
    }]
}

fn wg(id: &str) -> Value {
    resource(
        id,
        "wireguardgateway",
        json!({"name": id, "gatewayIP": "203.0.113.1", "interfaceIPv4CIDR": "10.8.0.1/24"}),
    )
}

fn ipsec(id: &str) -> Value {
    resource(
        id,
        "ipsecgateway",
        json!({"name": id, "gatewayIP": "203.0.113.2", "connections": [{"ipv4CIDR": "192.168.1.1/24"}]}),
    )
}

#[test]
fn gateway_list_walks_wireguard_then_ipsec_with_one_cursor() {
    let _host = fake(|_, path, _| match path {
        "/wireguardgateways?offset=0&limit=3" => {
            json_response(200, &collection(vec![wg("w1"), wg("w2")], None))
        }
        "/ipsecgateways?offset=0&limit=1" => json_response(
            200,
            &collection(vec![ipsec("i1")], Some("/ipsecgateways?offset=1&limit=1")),
        ),
        "/ipsecgateways?offset=1&limit=3" => {
            json_response(200, &collection(vec![ipsec("i2")], None))
        }
        other => panic!("unexpected {other}"),
    });
    let first = GATEWAYS.list(query(None, Some(3), None)).unwrap();
    let ids: Vec<(&str, &str)> = first
        .items
        .iter()
        .map(|g| (g.id.as_str(), g.kind.as_str()))
        .collect();
    assert_eq!(
        ids,
        [("w1", "wireguard"), ("w2", "wireguard"), ("i1", "ipsec")]
    );
    assert!(
        first.items[2].networks.is_empty(),
        "an IPSec gateway has no interface networks"
    );
    let second = GATEWAYS.list(query(None, Some(3), first.next)).unwrap();
    assert_eq!(second.items.len(), 1);
    assert_eq!(second.items[0].id, "i2");
    assert_eq!(second.next, None);
    assert_eq!(requests().len(), 3);
}

#[test]
fn gateway_list_stops_at_a_full_page_and_filters_by_kind() {
    let _host = fake(|_, path, _| match path {
        "/wireguardgateways?offset=0&limit=2" => {
            json_response(200, &collection(vec![wg("w1"), wg("w2")], None))
        }
        "/ipsecgateways?offset=0&limit=100" => {
            json_response(200, &collection(vec![ipsec("i1")], None))
        }
        other => panic!("unexpected {other}"),
    });
    let page = GATEWAYS.list(query(None, Some(2), None)).unwrap();
    assert_eq!(page.items.len(), 2);
    // The WireGuard collection is exhausted; the cursor moves on to IPSec without a request.
    assert_eq!(requests(), ["GET /wireguardgateways?offset=0&limit=2"]);
    let rest = GATEWAYS.list(query(None, None, page.next)).unwrap();
    assert_eq!(rest.items[0].id, "i1");

    let only = GATEWAYS.list(query(Some("ipsec"), None, None)).unwrap();
    assert_eq!(only.items.len(), 1);
    let err = GATEWAYS
        .list(query(Some("openvpn"), None, None))
        .unwrap_err();
    assert!(matches!(err, Error::InvalidInput(_)));
    assert!(err.message().contains("`kind`"));
    let err = GATEWAYS
        .list(query(None, None, Some("garbage".into())))
        .unwrap_err();
    assert!(err.message().contains("cursor"));
}

#[test]
fn gateway_get_tries_wireguard_then_ipsec() {
    let _host = fake(|_, path, _| match path {
        "/wireguardgateways/i1" => not_found(),
        "/ipsecgateways/i1" => json_response(200, &ipsec("i1")),
        _ => not_found(),
    });
    let gw = GATEWAYS.get(locator("i1", None, None)).unwrap();
    assert_eq!(gw.kind, "ipsec");
    assert_eq!(gw.state, State::Available);
    assert_eq!(gw.public_addresses, ["203.0.113.2"]);
    assert_eq!(serde_json::from_str::<Value>(&gw.raw).unwrap(), ipsec("i1"));

    let err = GATEWAYS.get(locator("nope", None, None)).unwrap_err();
    assert!(err.is_not_found());
    assert!(err.message().contains("`nope`"));
    // With a kind, the provider's own not-found comes back, code and all.
    let err = GATEWAYS
        .get(locator("nope", None, Some("wireguard")))
        .unwrap_err();
    assert_eq!(
        err.problem().and_then(|p| p.code.as_deref()),
        Some("notfound")
    );
    assert_eq!(err.problem().and_then(|p| p.status), Some(404));
}

#[test]
fn gateway_lookup_stops_at_other_errors() {
    let _host = fake(|_, _, _| {
        json_response(
            401,
            &json!({"httpStatus": 401, "messages": [{"errorCode": "auth", "message": "Unauthorized"}]}),
        )
    });
    let err = GATEWAYS.get(locator("g", None, None)).unwrap_err();
    assert!(matches!(err, Error::Unauthorized(_)));
    assert_eq!(requests().len(), 1);
}

#[test]
fn gateway_create_posts_properties_to_the_kind_collection() {
    let _host = fake(|method, path, body| {
        assert_eq!((method, path), ("POST", "/wireguardgateways"));
        let mut created = resource(
            "new",
            "wireguardgateway",
            body.unwrap()["properties"].clone(),
        );
        created["metadata"]["status"] = json!("PROVISIONING");
        json_response(201, &created)
    });
    let spec = GatewaySpec {
        kind: Some("wireguard".into()),
        name: Some("edge".into()),
        description: None,
        public_address: Some("203.0.113.9".into()),
        networks: vec!["10.8.0.1/24".into()],
        labels: Vec::new(),
        clear: Vec::new(),
        properties: r#"{"connections": [{"datacenterId": "dc", "lanId": "1", "ipv4CIDR": "192.168.1.9/24"}]}"#.into(),
        secrets: secret("private-key"),
    };
    let gw = GATEWAYS.create(spec).unwrap();
    assert_eq!(gw.id, "new");
    assert_eq!(gw.state, State::Provisioning);
    assert_eq!(
        gw.networks,
        ["10.8.0.1/24"],
        "what the spec set, not the LAN"
    );
    let sent = &testing::sent()[0];
    assert!(
        sent.headers
            .contains(&("Content-Type".into(), "application/json".into()))
    );
    assert_eq!(
        body_of(0)["properties"]["privateKey"],
        json!("<<private-key>>")
    );
    assert_eq!(body_of(0)["properties"]["gatewayIP"], json!("203.0.113.9"));
}

#[test]
fn gateway_create_checks_kind_and_key_before_sending() {
    let _host = fake(|_, path, _| panic!("unexpected request {path}"));
    let base = GatewaySpec {
        kind: None,
        name: Some("x".into()),
        description: None,
        public_address: None,
        networks: Vec::new(),
        labels: Vec::new(),
        clear: Vec::new(),
        properties: "{}".into(),
        secrets: Vec::new(),
    };
    let err = GATEWAYS.create(base.clone()).unwrap_err();
    assert!(err.message().contains("`kind`"));
    let err = GATEWAYS
        .create(GatewaySpec {
            kind: Some("gre".into()),
            ..base.clone()
        })
        .unwrap_err();
    assert!(err.message().contains("`kind`"));
    let err = GATEWAYS
        .create(GatewaySpec {
            kind: Some("wireguard".into()),
            ..base
        })
        .unwrap_err();
    assert!(err.message().contains("`private-key`"));
}

#[test]
fn gateway_update_reads_then_replaces_the_whole_resource() {
    let _host = fake(|method, path, body| match (method, path) {
        ("GET", "/wireguardgateways/w1") => {
            let mut doc = wg("w1");
            doc["properties"]["connections"] =
                json!([{"datacenterId": "dc", "lanId": "1", "ipv4CIDR": "192.168.1.1/24"}]);
            json_response(200, &doc)
        }
        ("PUT", "/wireguardgateways/w1") => {
            let body = body.unwrap();
            json_response(
                200,
                &resource("w1", "wireguardgateway", body["properties"].clone()),
            )
        }
        _ => not_found(),
    });
    let spec = GatewaySpec {
        kind: None,
        name: None,
        description: Some("updated".into()),
        public_address: None,
        networks: Vec::new(),
        labels: Vec::new(),
        clear: Vec::new(),
        properties: String::new(),
        secrets: secret("private-key"),
    };
    let gw = GATEWAYS
        .update(locator("w1", None, Some("wireguard")), spec.clone())
        .unwrap();
    assert_eq!(gw.description.as_deref(), Some("updated"));
    assert_eq!(
        requests(),
        ["GET /wireguardgateways/w1", "PUT /wireguardgateways/w1"]
    );
    let body = body_of(1);
    assert_eq!(body["id"], json!("w1"));
    assert_eq!(body["properties"]["name"], json!("w1"));
    assert_eq!(body["properties"]["connections"][0]["lanId"], json!("1"));
    assert_eq!(body["properties"]["privateKey"], json!("<<private-key>>"));

    let before = requests().len();
    let err = GATEWAYS
        .update(
            locator("w1", None, None),
            GatewaySpec {
                secrets: Vec::new(),
                ..spec.clone()
            },
        )
        .unwrap_err();
    assert!(err.message().contains("`private-key`"));
    assert_eq!(requests()[before..], ["GET /wireguardgateways/w1"]);

    let err = GATEWAYS
        .update(
            locator("w1", None, Some("wireguard")),
            GatewaySpec {
                kind: Some("ipsec".into()),
                ..spec
            },
        )
        .unwrap_err();
    assert!(err.message().contains("`kind`"));
}

#[test]
fn gateway_delete_finds_the_collection() {
    let _host = fake(|method, path, _| match (method, path) {
        ("DELETE", "/ipsecgateways/i1") => empty_response(202),
        _ => not_found(),
    });
    GATEWAYS.delete(locator("i1", None, None)).unwrap();
    assert_eq!(
        requests(),
        ["DELETE /wireguardgateways/i1", "DELETE /ipsecgateways/i1"]
    );
    let err = GATEWAYS.delete(locator("", None, None)).unwrap_err();
    assert!(matches!(err, Error::InvalidInput(_)));
}

fn tunnel(id: &str) -> Value {
    resource(
        id,
        "ipsectunnel",
        json!({"name": id, "remoteHost": "198.51.100.7", "auth": {"method": "PSK"},
        "ike": {"lifetime": 86400}, "esp": {}, "cloudNetworkCIDRs": ["192.168.1.0/24"], "peerNetworkCIDRs": ["10.1.0.0/16"]}),
    )
}

#[test]
fn tunnels_live_under_their_gateway() {
    let _host = fake(|method, path, body| match (method, path) {
        ("GET", "/ipsecgateways/g1/tunnels?offset=0&limit=100") => json_response(
            200,
            &collection(
                vec![tunnel("t1")],
                Some("/ipsecgateways/g1/tunnels?offset=1&limit=100"),
            ),
        ),
        ("GET", "/ipsecgateways/g1/tunnels?offset=1&limit=100") => {
            json_response(200, &collection(vec![], None))
        }
        ("GET", "/ipsecgateways/g1/tunnels/t1") => json_response(200, &tunnel("t1")),
        ("POST", "/ipsecgateways/g1/tunnels") | ("PUT", "/ipsecgateways/g1/tunnels/t1") => {
            json_response(
                201,
                &resource("t1", "ipsectunnel", body.unwrap()["properties"].clone()),
            )
        }
        ("DELETE", "/ipsecgateways/g1/tunnels/t1") => empty_response(202),
        _ => not_found(),
    });
    let page = TUNNELS
        .list(Query {
            parent_id: Some("g1".into()),
            ..query(None, None, None)
        })
        .unwrap();
    assert_eq!(page.items[0].parent_id.as_deref(), Some("g1"));
    assert_eq!(page.items[0].remote_networks, ["10.1.0.0/16"]);
    let rest = TUNNELS
        .list(Query {
            parent_id: Some("g1".into()),
            ..query(None, None, page.next)
        })
        .unwrap();
    assert!(rest.items.is_empty() && rest.next.is_none());
    let err = TUNNELS.list(query(None, None, None)).unwrap_err();
    assert!(err.message().contains("`parent-id`"));

    let spec = TunnelSpec {
        kind: Some("ipsec".into()),
        parent_id: Some("g1".into()),
        name: Some("t1".into()),
        description: None,
        remote_address: Some("198.51.100.8".into()),
        local_networks: vec!["192.168.1.0/24".into()],
        remote_networks: vec!["10.1.0.0/16".into()],
        ipsec: None,
        labels: Vec::new(),
        clear: Vec::new(),
        properties: String::new(),
        secrets: secret("pre-shared-key"),
    };
    let created = TUNNELS.create(spec.clone()).unwrap();
    assert_eq!(created.remote_address.as_deref(), Some("198.51.100.8"));
    let post = body_of(2);
    assert_eq!(
        post["properties"]["auth"],
        json!({"method": "PSK", "psk": {"key": "<<pre-shared-key>>"}})
    );
    assert_eq!(post["properties"]["ike"], json!({}));

    let update = TunnelSpec {
        name: None,
        remote_address: None,
        local_networks: vec![],
        ..spec.clone()
    };
    TUNNELS
        .update(locator("t1", Some("g1"), None), update)
        .unwrap();
    let put = body_of(4);
    assert_eq!(put["id"], json!("t1"));
    assert_eq!(put["properties"]["ike"], json!({"lifetime": 86400}));
    assert_eq!(put["properties"]["remoteHost"], json!("198.51.100.7"));
    assert_eq!(
        put["properties"]["auth"]["psk"]["key"],
        json!("<<pre-shared-key>>")
    );

    let err = TUNNELS
        .create(TunnelSpec {
            secrets: vec![],
            ..spec.clone()
        })
        .unwrap_err();
    assert!(err.message().contains("`pre-shared-key`"));
    let err = TUNNELS
        .create(TunnelSpec {
            parent_id: None,
            ..spec.clone()
        })
        .unwrap_err();
    assert!(err.message().contains("`parent-id`"));
    let err = TUNNELS
        .create(TunnelSpec {
            kind: Some("wireguard".into()),
            ..spec
        })
        .unwrap_err();
    assert!(err.message().contains("`kind`"));

    TUNNELS.delete(locator("t1", Some("g1"), None)).unwrap();
    assert!(
        TUNNELS
            .get(locator("t2", Some("g1"), None))
            .unwrap_err()
            .is_not_found()
    );
}

#[test]
fn peers_live_under_their_gateway() {
    let _host = fake(|method, path, body| match (method, path) {
        ("GET", "/wireguardgateways/w1/peers/p1") => json_response(
            200,
            &resource(
                "p1",
                "wireguardpeer",
                json!({"name": "p1", "publicKey": "cHVi", "allowedIPs": ["10.8.0.2/32"],
                "endpoint": {"host": "198.51.100.7", "port": 51820}}),
            ),
        ),
        ("POST", "/wireguardgateways/w1/peers") | ("PUT", "/wireguardgateways/w1/peers/p1") => {
            json_response(
                200,
                &resource("p1", "wireguardpeer", body.unwrap()["properties"].clone()),
            )
        }
        _ => not_found(),
    });
    let spec = PeerSpec {
        kind: None,
        parent_id: Some("w1".into()),
        name: Some("laptop".into()),
        description: None,
        public_key: Some("cHVi".into()),
        endpoint: Some("vpn.example.com:51821".into()),
        allowed_networks: vec!["10.8.0.2/32".into()],
        labels: Vec::new(),
        clear: Vec::new(),
        properties: String::new(),
        secrets: Vec::new(),
    };
    let peer = PEERS.create(spec.clone()).unwrap();
    assert_eq!(peer.endpoint.as_deref(), Some("vpn.example.com:51821"));
    assert_eq!(
        body_of(0)["properties"]["endpoint"],
        json!({"host": "vpn.example.com", "port": 51821})
    );

    let update = PeerSpec {
        parent_id: None,
        name: None,
        public_key: None,
        endpoint: None,
        ..spec.clone()
    };
    let peer = PEERS
        .update(locator("p1", Some("w1"), Some("wireguard")), update)
        .unwrap();
    assert_eq!(peer.endpoint.as_deref(), Some("198.51.100.7:51820"));
    assert_eq!(body_of(2)["properties"]["name"], json!("p1"));

    let err = PEERS
        .update(
            locator("p1", Some("w1"), None),
            PeerSpec {
                parent_id: Some("w2".into()),
                ..spec
            },
        )
        .unwrap_err();
    assert!(err.message().contains("`parent-id`"));
}

fn peer(id: &str) -> Value {
    resource(
        id,
        "wireguardpeer",
        json!({"name": id, "publicKey": "cHVi", "allowedIPs": ["10.8.0.2/32"]}),
    )
}

#[test]
fn peers_list_get_and_delete_under_their_gateway() {
    let _host = fake(|method, path, _| match (method, path) {
        ("GET", "/wireguardgateways/w1/peers?offset=0&limit=2") => {
            json_response(200, &collection(vec![peer("p1")], None))
        }
        ("GET", "/wireguardgateways/w1/peers/p1") => json_response(200, &peer("p1")),
        ("DELETE", "/wireguardgateways/w1/peers/p1") => empty_response(202),
        _ => not_found(),
    });
    let page = PEERS
        .list(Query {
            parent_id: Some("w1".into()),
            ..query(Some("wireguard"), Some(2), None)
        })
        .unwrap();
    assert_eq!(page.items.len(), 1);
    assert_eq!(page.items[0].parent_id.as_deref(), Some("w1"));
    assert!(page.next.is_none());
    let got = PEERS.get(locator("p1", Some("w1"), None)).unwrap();
    assert_eq!(got.id, "p1");
    assert_eq!(got.allowed_networks, ["10.8.0.2/32"]);
    PEERS
        .delete(locator("p1", Some("w1"), Some("wireguard")))
        .unwrap();
    assert_eq!(
        requests(),
        [
            "GET /wireguardgateways/w1/peers?offset=0&limit=2",
            "GET /wireguardgateways/w1/peers/p1",
            "DELETE /wireguardgateways/w1/peers/p1",
        ]
    );
}

/// The message of an `invalid-input` error.
fn invalid<T: std::fmt::Debug>(result: portico_adapter_sdk::Result<T>) -> String {
    let err = result.unwrap_err();
    assert!(matches!(err, Error::InvalidInput(_)), "{err:?}");
    err.message().to_owned()
}

#[test]
fn child_nouns_check_filters_kind_and_gateway_before_sending() {
    let _host = fake(|_, _, _| not_found());
    let filtered = Query {
        filters: vec![("name".into(), "x".into())],
        ..query(Some("ipsec"), None, None)
    };
    assert_eq!(
        invalid(PEERS.list(filtered)),
        "`filters` are not supported when listing peers (got `name`)"
    );
    assert_eq!(
        invalid(PEERS.list(query(Some("ipsec"), None, None))),
        "`kind` of a peer must be `wireguard`, got `ipsec`"
    );
    assert_eq!(
        invalid(TUNNELS.list(query(None, None, None))),
        "missing `parent-id`: every tunnel belongs to a gateway (give its id as the parent)"
    );
    assert_eq!(
        invalid(TUNNELS.get(locator("t1", None, Some("wireguard")))),
        "`kind` of a tunnel must be `ipsec`, got `wireguard`"
    );
    assert_eq!(
        invalid(PEERS.delete(locator("p1", None, None))),
        "missing `parent-id`: every peer belongs to a gateway (give its id as the parent)"
    );

    let tunnel = TunnelSpec {
        kind: Some("wireguard".into()),
        parent_id: None,
        name: None,
        description: None,
        remote_address: None,
        local_networks: Vec::new(),
        remote_networks: Vec::new(),
        ipsec: None,
        labels: Vec::new(),
        clear: Vec::new(),
        properties: String::new(),
        secrets: Vec::new(),
    };
    assert_eq!(
        invalid(TUNNELS.create(tunnel.clone())),
        "`kind` of a tunnel must be `ipsec`, got `wireguard`"
    );
    assert_eq!(
        invalid(TUNNELS.create(TunnelSpec {
            kind: None,
            ..tunnel.clone()
        })),
        "missing `parent-id`: every tunnel belongs to a gateway (give its id as the parent)"
    );
    assert_eq!(
        invalid(TUNNELS.update(locator("t1", Some("g1"), Some("ipsec")), tunnel)),
        "`kind` of a tunnel must be `ipsec`, got `wireguard`"
    );

    let peer = PeerSpec {
        kind: None,
        parent_id: Some("w2".into()),
        name: None,
        description: None,
        public_key: None,
        endpoint: None,
        allowed_networks: Vec::new(),
        labels: Vec::new(),
        clear: Vec::new(),
        properties: String::new(),
        secrets: Vec::new(),
    };
    assert_eq!(
        invalid(PEERS.update(locator("p1", None, Some("ipsec")), peer.clone())),
        "`kind` of a peer must be `wireguard`, got `ipsec`"
    );
    assert_eq!(
        invalid(PEERS.update(locator("p1", Some("w1"), None), peer.clone())),
        "`parent-id` `w2` differs from the parent `w1`: a peer cannot move to another gateway"
    );
    assert_eq!(
        invalid(PEERS.update(
            locator("p1", None, None),
            PeerSpec {
                parent_id: None,
                ..peer
            }
        )),
        "missing `parent-id`: every peer belongs to a gateway (give its id as the parent)"
    );
    assert!(requests().is_empty(), "{:?}", requests());
}

#[test]
fn catalogue_invokes_by_name_and_pages() {
    let _host = fake(|method, path, body| match (method, path) {
        ("GET", "/wireguardgateways?limit=1") => json_response(
            200,
            &collection(vec![wg("w1")], Some("/wireguardgateways?offset=1&limit=1")),
        ),
        ("GET", "/wireguardgateways?offset=1&limit=1") => {
            json_response(200, &collection(vec![wg("w2")], None))
        }
        ("POST", "/ipsecgateways/g1/tunnels") => {
            assert_eq!(
                body.unwrap()["properties"]["auth"]["psk"]["key"],
                json!("<<pre-shared-key>>")
            );
            json_response(201, &tunnel("t9"))
        }
        _ => not_found(),
    });
    assert_eq!(IonosVpn::ADAPTER.operations.catalog().len(), 20);
    let params = vec![("limit".to_owned(), "1".to_owned())];
    let first = IonosVpn::ADAPTER
        .operations
        .invoke(
            "WireguardgatewaysGet".into(),
            params.clone(),
            None,
            None,
            vec![],
        )
        .unwrap();
    assert_eq!(first.status, 200);
    let second = IonosVpn::ADAPTER
        .operations
        .invoke(
            "WireguardgatewaysGet".into(),
            params,
            None,
            first.next,
            vec![],
        )
        .unwrap();
    assert!(second.body.unwrap().as_str().contains("w2"));
    assert_eq!(second.next, None);

    let body = r#"{"properties": {"name": "t9", "auth": {"method": "PSK", "psk": {"key": "<<pre-shared-key>>"}}}}"#;
    let created = IonosVpn::ADAPTER
        .operations
        .invoke(
            "IpsecgatewaysTunnelsPost".into(),
            vec![("gatewayId".into(), "g1".into())],
            Some(body.into()),
            None,
            secret("pre-shared-key"),
        )
        .unwrap();
    assert_eq!(created.status, 201);

    let err = IonosVpn::ADAPTER
        .operations
        .invoke(
            "IpsecgatewaysFindById".into(),
            vec![("id".into(), "x".into())],
            None,
            None,
            vec![],
        )
        .unwrap_err();
    assert!(err.message().contains("`id`") && err.message().contains("`gatewayId`"));
    let err = IonosVpn::ADAPTER
        .operations
        .invoke("Nope".into(), vec![], None, None, vec![])
        .unwrap_err();
    // Contract 0.2.0: an unknown operation name is `unsupported` (0.1.0's SDK said invalid-input).
    assert!(matches!(err, Error::Unsupported(_)));
    let err = IonosVpn::ADAPTER
        .operations
        .invoke(
            "IpsecgatewaysFindById".into(),
            vec![("gatewayId".into(), "x".into())],
            None,
            None,
            vec![],
        )
        .unwrap_err();
    assert!(err.is_not_found());
}

#[test]
fn profile_settings_pick_the_endpoint() {
    let _host = testing::mock_http(|request| {
        assert!(
            request
                .url
                .starts_with("http://127.0.0.1:4010/wireguardgateways/"),
            "{}",
            request.url
        );
        Ok(json_response(200, &wg("w1")))
    });
    testing::set_config("endpoint", "http://127.0.0.1:4010/");
    GATEWAYS
        .get(locator("w1", None, Some("wireguard")))
        .unwrap();
    testing::set_config("endpoint", "");
    testing::set_config("region", "mars");
    let err = GATEWAYS
        .get(locator("w1", None, Some("wireguard")))
        .unwrap_err();
    assert!(err.message().contains("`region`"));
}

mod contract;
