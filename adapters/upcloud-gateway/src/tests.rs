//! Flow tests of the nouns and the catalogue against a fake UpCloud API (the SDK's native test
//! host), for the behaviour the recordings do not show: paging, filters, tunnels built from
//! addresses, partial updates, key handling and refusals before sending.

use portico_adapter_sdk::http::Response;
use portico_adapter_sdk::serde_json::{Value, json};
use portico_adapter_sdk::testing::{self, MockGuard, empty_response, json_response};
use portico_adapter_sdk::{
    Error, GatewaySpec, Locator, Page, Query, SecretInput, State, TunnelSpec,
};

use crate::UpcloudGateway;
use crate::gateways::GATEWAYS;
use crate::tunnels::TUNNELS;

const BASE: &str = "https://api.upcloud.com/1.3";
const PSK: &str = "{{secret:pre-shared-key}}";
const GW: &str = "10000000-0000-4000-8000-000000000001";
const CONN: &str = "10000000-0000-4000-8000-000000000002";

/// Answer requests with `route(method, path-and-query, body)`; every request names `upcloud`.
fn fake(route: impl FnMut(&str, &str, Option<Value>) -> Response + 'static) -> MockGuard {
    testing::reset();
    testing::fake_api(BASE, Some("upcloud"), route)
}

fn requests() -> Vec<String> {
    testing::requests(BASE)
}

fn body_of(index: usize) -> Value {
    testing::body_of(index)
}

fn not_found() -> Response {
    json_response(
        404,
        &json!({"type": "https://developers.upcloud.com/1.3/errors#ERROR_RESOURCE_NOT_FOUND",
            "title": "Resource not found.", "status": 404}),
    )
}

fn gateway(id: &str, features: &[&str]) -> Value {
    json!({"uuid": id, "name": id, "zone": "fi-hel1", "features": features,
        "operational_state": "running", "configured_status": "started",
        "created_at": "2025-01-01T00:00:00.000001Z", "updated_at": "2025-01-01T00:04:00.000001Z",
        "addresses": [{"name": "public-ip-1", "address": "203.0.113.9"}], "labels": [],
        "routers": [], "connections": []})
}

fn tunnel(name: &str, address: &str) -> Value {
    json!({"uuid": format!("10{name}"), "name": name, "local_address": {"name": "public-ip-1"},
        "remote_address": {"address": address}, "operational_state": "idle",
        "ipsec": {"authentication": {"authentication": "psk"}, "rekey_time": 14400}})
}

fn connection(tunnels: Vec<Value>) -> Value {
    json!({"uuid": CONN, "name": "office", "type": "ipsec",
        "local_routes": [{"name": "lan", "type": "static", "static_network": "10.0.0.0/24"}],
        "remote_routes": [{"name": "remote-route", "type": "static", "static_network": "172.16.0.0/16"}],
        "tunnels": tunnels})
}

fn query(parent: Option<&str>, limit: Option<u32>, cursor: Option<String>) -> Query {
    Query {
        parent_id: parent.map(str::to_owned),
        kind: None,
        filters: Vec::new(),
        page: Page { limit, cursor },
    }
}

fn locator(id: &str, parent: Option<&str>) -> Locator {
    Locator {
        id: id.to_owned(),
        parent_id: parent.map(str::to_owned),
        kind: None,
    }
}

fn psk() -> Vec<SecretInput> {
    vec![SecretInput {
        name: "pre-shared-key".into(),
        placeholder: PSK.into(),
    }]
}

fn gateway_spec(kind: Option<&str>, properties: Value) -> GatewaySpec {
    GatewaySpec {
        kind: kind.map(str::to_owned),
        name: Some("edge".into()),
        description: None,
        public_address: None,
        networks: Vec::new(),
        labels: Vec::new(),
        clear: Vec::new(),
        properties: properties.to_string(),
        secrets: Vec::new(),
    }
}

fn tunnel_spec() -> TunnelSpec {
    TunnelSpec {
        kind: None,
        parent_id: Some(GW.into()),
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
    }
}

/// The message of an `invalid-input` error.
fn invalid<T: std::fmt::Debug>(result: portico_adapter_sdk::Result<T>) -> String {
    let err = result.unwrap_err();
    assert!(matches!(err, Error::InvalidInput(_)), "{err:?}");
    err.message().to_owned()
}

#[test]
fn gateway_list_pages_by_offset_and_filters_by_label_and_kind() {
    let _host = fake(|_, path, _| match path {
        "/gateway?limit=2&offset=0&label=env%3Dprod&label=team" => json_response(
            200,
            &json!([gateway("10a", &["vpn"]), gateway("10b", &["nat"])]),
        ),
        "/gateway?limit=2&offset=2&label=env%3Dprod&label=team" => {
            json_response(200, &json!([gateway("10c", &["nat", "vpn"])]))
        }
        other => panic!("unexpected {other}"),
    });
    let mut q = query(None, Some(2), None);
    q.filters = vec![
        ("label".into(), "env=prod".into()),
        ("label".into(), "team".into()),
    ];
    let first = GATEWAYS.list(q.clone()).unwrap();
    let kinds: Vec<(&str, &str)> = first
        .items
        .iter()
        .map(|g| (g.id.as_str(), g.kind.as_str()))
        .collect();
    assert_eq!(kinds, [("10a", "vpn"), ("10b", "nat")]);
    assert_eq!(first.items[0].public_addresses, ["203.0.113.9"]);
    assert_eq!(first.items[0].state, State::Available);
    q.page.cursor = first.next;
    q.kind = Some("vpn".into());
    let second = GATEWAYS.list(q.clone()).unwrap();
    assert_eq!(second.items.len(), 1);
    assert_eq!(second.next, None);

    q.filters = vec![("zone".into(), "fi-hel1".into())];
    assert!(invalid(GATEWAYS.list(q.clone())).contains("`label`"));
    q.filters.clear();
    q.kind = Some("wireguard".into());
    assert!(invalid(GATEWAYS.list(q)).contains("`kind`"));
    assert_eq!(requests().len(), 2);
}

#[test]
fn gateway_create_fills_defaults_and_refuses_unsupported_fields() {
    let _host = fake(|method, path, body| {
        assert_eq!((method, path), ("POST", "/gateway"));
        let mut created = body.unwrap();
        created["uuid"] = json!(GW);
        created["operational_state"] = json!("pending");
        json_response(201, &created)
    });
    testing::set_config("zone", "se-sto1");
    let gw = GATEWAYS
        .create(gateway_spec(
            Some("vpn"),
            json!({"routers": [{"uuid": "04aa"}], "plan": "advanced"}),
        ))
        .unwrap();
    assert_eq!(gw.state, State::Provisioning);
    assert_eq!(
        body_of(0),
        json!({"routers": [{"uuid": "04aa"}], "plan": "advanced", "name": "edge",
            "features": ["vpn"], "zone": "se-sto1", "configured_status": "started"})
    );
    // Properties win for zone and status; features from properties need no kind.
    GATEWAYS
        .create(gateway_spec(
            None,
            json!({"features": ["nat"], "zone": "fi-hel1", "configured_status": "stopped"}),
        ))
        .unwrap();
    assert_eq!(body_of(1)["zone"], "fi-hel1");
    assert_eq!(body_of(1)["configured_status"], "stopped");

    let sent = testing::sent().len();
    assert!(invalid(GATEWAYS.create(gateway_spec(None, json!({})))).contains("`kind`"));
    assert!(
        invalid(GATEWAYS.create(gateway_spec(Some("vpn"), json!({"features": ["nat"]}))))
            .contains("`properties.features`")
    );
    for (field, spec) in [
        (
            "`description`",
            GatewaySpec {
                description: Some("x".into()),
                ..gateway_spec(Some("nat"), json!({}))
            },
        ),
        (
            "`public-address`",
            GatewaySpec {
                public_address: Some("203.0.113.1".into()),
                ..gateway_spec(Some("nat"), json!({}))
            },
        ),
        (
            "`networks`",
            GatewaySpec {
                networks: vec!["10.0.0.0/24".into()],
                ..gateway_spec(Some("nat"), json!({}))
            },
        ),
        (
            "`pre-shared-key`",
            gateway_spec(
                Some("vpn"),
                json!({"connections": [{"name": "c", "tunnels": [{"name": "t"}]}]}),
            ),
        ),
    ] {
        assert!(invalid(GATEWAYS.create(spec)).contains(field), "{field}");
    }
    testing::set_config("zone", "");
    assert!(invalid(GATEWAYS.create(gateway_spec(Some("nat"), json!({})))).contains("zone"));
    assert_eq!(testing::sent().len(), sent, "refusals send nothing");
}

#[test]
fn gateway_update_patches_only_what_is_set() {
    let _host = fake(|method, path, body| match (method, path) {
        ("PATCH", "/gateway/10a") => {
            let mut doc = gateway("10a", &["vpn"]);
            if let Some(name) = body.unwrap().get("name") {
                doc["name"] = name.clone();
            }
            json_response(200, &doc)
        }
        ("GET", "/gateway/10a") => json_response(200, &gateway("10a", &["vpn"])),
        ("DELETE", "/gateway/10a") => empty_response(204),
        _ => not_found(),
    });
    let spec = GatewaySpec {
        name: Some("renamed".into()),
        ..gateway_spec(None, json!({"labels": [{"key": "env", "value": "prod"}]}))
    };
    let gw = GATEWAYS.update(locator("10a", None), spec).unwrap();
    assert_eq!(gw.name.as_deref(), Some("renamed"));
    assert_eq!(
        body_of(0),
        json!({"labels": [{"key": "env", "value": "prod"}], "name": "renamed"})
    );
    let unchanged = GatewaySpec {
        name: None,
        ..gateway_spec(None, json!({}))
    };
    GATEWAYS.update(locator("10a", None), unchanged).unwrap();
    let err = GATEWAYS.update(locator("10a", None), gateway_spec(Some("nat"), json!({})));
    assert!(invalid(err).contains("`kind`"));
    GATEWAYS.delete(locator("10a", None)).unwrap();
    let err = GATEWAYS.get(locator("10b", None)).unwrap_err();
    assert!(err.is_not_found());
    assert_eq!(
        err.problem().and_then(|p| p.code.as_deref()),
        Some("RESOURCE_NOT_FOUND")
    );
    assert_eq!(
        requests(),
        [
            "PATCH /gateway/10a",
            "GET /gateway/10a",
            "DELETE /gateway/10a",
            "GET /gateway/10b"
        ]
    );
}

#[test]
fn tunnel_create_builds_one_ipsec_tunnel_per_remote_address() {
    let _host = fake(|method, path, body| match (method, path) {
        ("GET", "/gateway/10000000-0000-4000-8000-000000000001") => {
            json_response(200, &gateway(GW, &["vpn"]))
        }
        ("POST", "/gateway/10000000-0000-4000-8000-000000000001/connections/") => {
            let mut created = body.unwrap();
            created["uuid"] = json!(CONN);
            for tunnel in created["tunnels"].as_array_mut().unwrap() {
                tunnel["operational_state"] = json!("idle");
                tunnel["ipsec"]["authentication"]
                    .as_object_mut()
                    .unwrap()
                    .remove("psk");
            }
            json_response(201, &created)
        }
        _ => not_found(),
    });
    let spec = TunnelSpec {
        name: Some("office".into()),
        remote_address: Some("198.51.100.7, 198.51.100.8".into()),
        local_networks: vec!["10.0.0.0/24".into(), "10.0.1.0/24".into()],
        remote_networks: vec!["172.16.0.0/16".into()],
        properties: json!({"type": "ipsec"}).to_string(),
        secrets: psk(),
        ..tunnel_spec()
    };
    let created = TUNNELS.create(spec.clone()).unwrap();
    assert_eq!(
        created.remote_address.as_deref(),
        Some("198.51.100.7,198.51.100.8")
    );
    assert_eq!(created.local_networks, ["10.0.0.0/24", "10.0.1.0/24"]);
    assert_eq!(
        (created.state, created.provider_state.as_str()),
        (State::Inactive, "idle")
    );
    let sent = body_of(1);
    assert_eq!(
        sent,
        json!({
            "type": "ipsec",
            "name": "office",
            "local_routes": [
                {"name": "local-route", "type": "static", "static_network": "10.0.0.0/24"},
                {"name": "local-route-2", "type": "static", "static_network": "10.0.1.0/24"}
            ],
            "remote_routes": [{"name": "remote-route", "type": "static", "static_network": "172.16.0.0/16"}],
            "tunnels": [
                {"name": "office-tunnel", "local_address": {"name": "public-ip-1"},
                 "remote_address": {"address": "198.51.100.7"},
                 "ipsec": {"authentication": {"authentication": "psk", "psk": PSK}}},
                {"name": "office-tunnel-2", "local_address": {"name": "public-ip-1"},
                 "remote_address": {"address": "198.51.100.8"},
                 "ipsec": {"authentication": {"authentication": "psk", "psk": PSK}}}
            ]
        })
    );
    assert_eq!(requests()[0], format!("GET /gateway/{GW}"));

    let before = testing::sent().len();
    let no_key = TunnelSpec {
        secrets: Vec::new(),
        ..spec.clone()
    };
    assert!(invalid(TUNNELS.create(no_key)).contains("`pre-shared-key`"));
    let both = TunnelSpec {
        properties: json!({"tunnels": []}).to_string(),
        ..spec.clone()
    };
    assert!(invalid(TUNNELS.create(both)).contains("not both"));
    let nameless = TunnelSpec {
        name: None,
        ..spec.clone()
    };
    assert!(invalid(TUNNELS.create(nameless)).contains("`name`"));
    let wrong_kind = TunnelSpec {
        kind: Some("wireguard".into()),
        ..spec.clone()
    };
    assert!(invalid(TUNNELS.create(wrong_kind)).contains("`kind`"));
    let orphan = TunnelSpec {
        parent_id: None,
        ..spec
    };
    assert!(invalid(TUNNELS.create(orphan)).contains("`parent-id`"));
    // The key check comes after the gateway read; nothing else was sent.
    assert_eq!(testing::sent().len(), before + 1);
}

#[test]
fn tunnel_update_keeps_current_tunnels_and_route_names() {
    let current = connection(vec![tunnel("office-tunnel", "198.51.100.7")]);
    let answer = current.clone();
    let _host = fake(move |method, path, body| match (method, path) {
        ("GET", p) if p.ends_with(CONN) => json_response(200, &answer),
        ("PATCH", p) if p.ends_with(CONN) => {
            let mut doc = answer.clone();
            for (key, value) in body.unwrap().as_object().unwrap() {
                doc[key] = value.clone();
            }
            json_response(200, &doc)
        }
        _ => not_found(),
    });
    let at = locator(CONN, Some(GW));

    // New addresses: the first tunnel is re-addressed, a second one is added with the key.
    let spec = TunnelSpec {
        parent_id: None,
        remote_address: Some("198.51.100.70,198.51.100.80".into()),
        local_networks: vec!["10.0.0.0/24".into(), "10.9.0.0/24".into()],
        secrets: psk(),
        ..tunnel_spec()
    };
    let updated = TUNNELS.update(at.clone(), spec.clone()).unwrap();
    assert_eq!(
        updated.remote_address.as_deref(),
        Some("198.51.100.70,198.51.100.80")
    );
    let patch = body_of(1);
    assert_eq!(
        patch["local_routes"],
        json!([
            {"name": "lan", "type": "static", "static_network": "10.0.0.0/24"},
            {"name": "local-route", "type": "static", "static_network": "10.9.0.0/24"}
        ])
    );
    assert_eq!(patch["tunnels"][0]["name"], "office-tunnel");
    assert_eq!(patch["tunnels"][0]["ipsec"]["rekey_time"], 14400);
    assert_eq!(
        patch["tunnels"][0]["remote_address"]["address"],
        "198.51.100.70"
    );
    assert_eq!(patch["tunnels"][1]["name"], "office-tunnel-2");
    assert_eq!(patch["tunnels"][1]["local_address"]["name"], "public-ip-1");
    for tunnel in patch["tunnels"].as_array().unwrap() {
        assert_eq!(tunnel["ipsec"]["authentication"]["psk"], PSK);
    }
    assert!(patch.get("remote_routes").is_none());

    // Without a key, re-addressing the existing tunnel is fine, adding one is not.
    let readdress = TunnelSpec {
        remote_address: Some("198.51.100.71".into()),
        local_networks: Vec::new(),
        secrets: Vec::new(),
        ..spec.clone()
    };
    TUNNELS.update(at.clone(), readdress).unwrap();
    let patch = body_of(3);
    assert_eq!(
        patch["tunnels"][0]["ipsec"]["authentication"],
        json!({"authentication": "psk"})
    );
    let grow = TunnelSpec {
        secrets: Vec::new(),
        ..spec.clone()
    };
    assert!(invalid(TUNNELS.update(at.clone(), grow)).contains("`pre-shared-key`"));

    // A new key alone re-sends the current tunnels with it.
    let rotate = TunnelSpec {
        parent_id: None,
        secrets: psk(),
        ..tunnel_spec()
    };
    let before = testing::sent().len();
    TUNNELS.update(at.clone(), rotate).unwrap();
    let patch = body_of(before + 1);
    assert_eq!(
        patch,
        json!({"tunnels": [{"name": "office-tunnel", "local_address": {"name": "public-ip-1"},
            "remote_address": {"address": "198.51.100.7"},
            "ipsec": {"authentication": {"authentication": "psk", "psk": PSK}, "rekey_time": 14400}}]})
    );

    // The name is fixed; the same name is accepted; nothing to change reads the connection.
    let rename = TunnelSpec {
        parent_id: None,
        name: Some("elsewhere".into()),
        ..tunnel_spec()
    };
    assert!(invalid(TUNNELS.update(at.clone(), rename)).contains("`name`"));
    let before = testing::sent().len();
    let same = TunnelSpec {
        parent_id: None,
        name: Some("office".into()),
        ..tunnel_spec()
    };
    let got = TUNNELS.update(at.clone(), same).unwrap();
    assert_eq!(got.name.as_deref(), Some("office"));
    assert_eq!(
        requests()[before..],
        [format!("GET /gateway/{GW}/connections/{CONN}")]
    );
    let moved = TunnelSpec {
        parent_id: Some("10ff".into()),
        ..tunnel_spec()
    };
    assert!(invalid(TUNNELS.update(at, moved)).contains("`parent-id`"));
}

#[test]
fn tunnel_list_pages_the_whole_collection_locally() {
    let _host = fake(|_, path, _| match path {
        p if p.ends_with("/connections") => json_response(
            200,
            &json!([connection(vec![]), connection(vec![]), connection(vec![])]),
        ),
        _ => not_found(),
    });
    let first = TUNNELS.list(query(Some(GW), Some(2), None)).unwrap();
    assert_eq!(first.items.len(), 2);
    let rest = TUNNELS.list(query(Some(GW), Some(2), first.next)).unwrap();
    assert_eq!(rest.items.len(), 1);
    assert_eq!(rest.next, None);
    assert_eq!(rest.items[0].state, State::Inactive);
    let mut filtered = query(Some(GW), None, None);
    filtered.filters = vec![("name".into(), "x".into())];
    assert!(invalid(TUNNELS.list(filtered)).contains("`filters`"));
    assert!(invalid(TUNNELS.list(query(None, None, None))).contains("`parent-id`"));
    assert!(
        TUNNELS
            .get(locator("10zz", Some(GW)))
            .unwrap_err()
            .is_not_found()
    );
}

#[test]
fn catalogue_pages_gateways_and_checks_parameters() {
    let _host = fake(|_, path, _| match path {
        "/gateway?limit=1" => json_response(200, &json!([gateway("10a", &["nat"])])),
        "/gateway?limit=1&offset=1" => json_response(200, &json!([])),
        "/gateway?label=env%3Dprod" => json_response(200, &json!([])),
        _ => not_found(),
    });
    assert_eq!(UpcloudGateway::ADAPTER.operations.catalog().len(), 17);
    let limit = vec![("limit".to_owned(), "1".to_owned())];
    let first = UpcloudGateway::ADAPTER
        .operations
        .invoke("GetGateways".into(), limit.clone(), None, None, vec![])
        .unwrap();
    let next = first.next.expect("a full page has a successor");
    let second = UpcloudGateway::ADAPTER
        .operations
        .invoke("GetGateways".into(), limit, None, Some(next), vec![])
        .unwrap();
    assert_eq!(second.next, None);
    let labelled = vec![("label".to_owned(), "env=prod".to_owned())];
    UpcloudGateway::ADAPTER
        .operations
        .invoke("GetGateways".into(), labelled, None, None, vec![])
        .unwrap();

    let err = UpcloudGateway::ADAPTER
        .operations
        .invoke(
            "GetGatewayConnection".into(),
            vec![("uuid".into(), GW.into())],
            None,
            None,
            vec![],
        )
        .unwrap_err();
    assert!(err.message().contains("`conn_uuid`"), "{}", err.message());
    let err = UpcloudGateway::ADAPTER
        .operations
        .invoke("CreateGateway".into(), vec![], None, None, vec![])
        .unwrap_err();
    assert!(err.message().contains("`body`"));
    let err = UpcloudGateway::ADAPTER
        .operations
        .invoke(
            "GetGatewayMetrics".into(),
            vec![("uuid".into(), "10zz".into())],
            None,
            None,
            vec![],
        )
        .unwrap_err();
    assert!(err.is_not_found());
    assert_eq!(requests().len(), 4);
}

#[test]
fn the_endpoint_setting_moves_every_request() {
    testing::reset();
    let _host = testing::mock_http(|request| {
        assert!(
            request
                .url
                .starts_with("http://127.0.0.1:4010/1.3/gateway/"),
            "{}",
            request.url
        );
        Ok(json_response(200, &gateway("10a", &["nat"])))
    });
    testing::set_config("endpoint", "http://127.0.0.1:4010/");
    GATEWAYS.get(locator("10a", None)).unwrap();
    testing::set_config("endpoint", "ftp://nowhere");
    let err = GATEWAYS.get(locator("10a", None)).unwrap_err();
    assert!(err.message().contains("`endpoint`"));
}

mod contract;
