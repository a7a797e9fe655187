//! Flow tests of the mapping noun and the catalogue against a fake Soracom API (the SDK's native
//! test host): which requests go out, with which bodies, and how answers become records and
//! errors.

use portico_adapter_sdk::http::Response;
use portico_adapter_sdk::serde_json::{Value, json};
use portico_adapter_sdk::testing::{self, MockGuard, empty_response, json_response};
use portico_adapter_sdk::{Body, Error, Locator, MappingSpec, Noun, Page, Query, State};

use crate::SoracomNapter;
use crate::mappings::MAPPINGS;

const BASE: &str = "https://api.soracom.io/v1";

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

fn entry(ip: &str, port: u16, sim: &str, device_port: u16) -> Value {
    json!({
        "ipAddress": ip, "port": port, "endpoint": format!("{ip}:{port}"),
        "hostname": format!("p-{}-{port}.napter.example", ip.replace('.', "-")),
        "destination": {"simId": sim, "port": device_port, "destinationChoosingStrategy": "AIR_PRIORITIZED"},
        "source": {"ipRanges": ["198.51.100.0/24"]},
        "duration": 3600, "tlsRequired": false, "expired": false,
        "createdTime": 1_714_557_600_000_i64, "expiredTime": 1_714_561_200_000_i64,
        "simId": sim, "operatorId": "OP0000000001", "placement": "default"
    })
}

fn page(items: Vec<Value>, next: Option<&str>) -> Response {
    let mut response = json_response(200, &Value::Array(items));
    if let Some(next) = next {
        response
            .headers
            .push(("X-Soracom-Next-Key".into(), next.into()));
    }
    response
}

fn soracom_error(status: u16, code: &str, message: &str) -> Response {
    json_response(status, &json!({"code": code, "message": message}))
}

fn query(filters: &[(&str, &str)], limit: Option<u32>, cursor: Option<String>) -> Query {
    Query {
        parent_id: None,
        kind: None,
        filters: filters
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect(),
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

fn spec(destination: Option<&str>, properties: &str, networks: &[&str]) -> MappingSpec {
    MappingSpec {
        kind: None,
        parent_id: None,
        name: None,
        source: None,
        destination: destination.map(str::to_owned),
        allowed_networks: networks.iter().map(|s| (*s).to_owned()).collect(),
        labels: Vec::new(),
        clear: Vec::new(),
        properties: properties.to_owned(),
        secrets: Vec::new(),
    }
}

#[test]
fn describe_offers_only_mappings() {
    let d = SoracomNapter::ADAPTER.describe();
    let nouns: Vec<Noun> = d.nouns.iter().map(|n| n.noun).collect();
    assert_eq!(nouns, [Noun::Mapping]);
    assert_eq!(SoracomNapter::ADAPTER.operations.catalog().len(), 6);
    let err = SoracomNapter::ADAPTER
        .gateways
        .list(query(&[], None, None))
        .unwrap_err();
    assert!(matches!(err, Error::Unsupported(_)));
}

#[test]
fn create_by_sim_posts_destination_sim_id() {
    let _host = fake(|method, path, body| {
        assert_eq!((method, path), ("POST", "/port_mappings"));
        let body = body.unwrap();
        let mut doc = entry("203.0.113.9", 40001, "8942", 22);
        doc["source"] = body["source"].clone();
        json_response(201, &doc)
    });
    let created = MAPPINGS
        .create(spec(
            Some("sim:8942:22"),
            r#"{"service": "air", "duration": 1800, "tlsRequired": true}"#,
            &["198.51.100.0/24", "2001:db8::/48"],
        ))
        .unwrap();
    assert_eq!(
        body_of(0),
        json!({
            "destination": {"simId": "8942", "service": "air", "port": 22},
            "duration": 1800,
            "source": {"ipRanges": ["198.51.100.0/24", "2001:db8::/48"]},
            "tlsRequired": true
        })
    );
    let sent = &testing::sent()[0];
    assert!(
        sent.headers
            .iter()
            .any(|(k, v)| k == "Content-Type" && v == "application/json")
    );
    assert_eq!(created.id, "203.0.113.9:40001");
    assert_eq!(created.state, State::Available);
    assert_eq!(created.destination.as_deref(), Some("sim:8942:22"));
    assert_eq!(
        created.allowed_networks,
        ["198.51.100.0/24", "2001:db8::/48"]
    );
    assert_eq!(created.parent_id.as_deref(), Some("8942"));
}

#[test]
fn create_by_imsi_posts_destination_imsi() {
    let _host = fake(|method, path, _| {
        assert_eq!((method, path), ("POST", "/port_mappings"));
        json_response(
            201,
            &json!({
                "ipAddress": "203.0.113.10", "port": 40002, "expired": false,
                "destination": {"imsi": "440101234567890", "port": 8080, "destinationChoosingStrategy": "IMSI_PRIORITIZED"},
                "imsi": "440101234567890"
            }),
        )
    });
    let created = MAPPINGS
        .create(spec(Some("imsi:440101234567890"), r#"{"port": 8080}"#, &[]))
        .unwrap();
    assert_eq!(
        body_of(0),
        json!({"destination": {"imsi": "440101234567890", "port": 8080}})
    );
    assert_eq!(created.id, "203.0.113.10:40002");
    assert_eq!(
        created.destination.as_deref(),
        Some("imsi:440101234567890:8080")
    );
    assert_eq!(created.parent_id, None);
}

#[test]
fn create_rejects_bad_specs_before_sending() {
    let _host = fake(|_, _, _| panic!("no request may be sent"));
    let cases: &[(Option<&str>, &str, &[&str], &str)] = &[
        (
            Some("sim:1:22"),
            r#"{"duration": 28801}"#,
            &[],
            "`duration`",
        ),
        (Some("sim:1:22"), r#"{"duration": 0}"#, &[], "`duration`"),
        (Some("sim:1:22"), r#"{"duration": -1}"#, &[], "`duration`"),
        (Some("sim:1:22"), "", &["10.0.0.0/33"], "`allowed-networks`"),
        (
            Some("sim:1:22"),
            "",
            &["2001:db8::/200"],
            "`allowed-networks`",
        ),
        (Some("sim:1:22"), "", &["not-an-ip/8"], "`allowed-networks`"),
        (Some("sim:1:22"), "", &["10.0.0.1"], "`allowed-networks`"),
        (Some("sim:1:70000"), "", &[], "`port`"),
        (Some("sim:1:0"), "", &[], "`port`"),
        (Some("sim:1"), r#"{"port": 65536}"#, &[], "`port`"),
        (None, r#"{"port": 22}"#, &[], "`destination`"),
        (Some("sim:1:22"), r#"{"service": "beam"}"#, &[], "`service`"),
    ];
    for (destination, properties, networks, field) in cases {
        let err = MAPPINGS
            .create(spec(*destination, properties, networks))
            .unwrap_err();
        let Error::InvalidInput(problem) = &err else {
            panic!("expected invalid-input, got {err:?}");
        };
        assert!(
            problem.message.contains(field),
            "{destination:?} {properties}: {}",
            problem.message
        );
    }
    assert!(testing::sent().is_empty(), "{:?}", requests());
}

#[test]
fn list_pages_with_limit_and_last_evaluated_key() {
    let _host = fake(|method, path, _| {
        assert_eq!(method, "GET");
        match path {
            "/port_mappings?limit=2" => page(
                vec![
                    entry("203.0.113.1", 40001, "a", 22),
                    entry("203.0.113.1", 40002, "b", 22),
                ],
                Some("203.0.113.1:40002"),
            ),
            "/port_mappings?limit=2&last_evaluated_key=203.0.113.1%3A40002" => {
                page(vec![entry("203.0.113.1", 40003, "c", 80)], None)
            }
            other => panic!("unexpected {other}"),
        }
    });
    let first = MAPPINGS.list(query(&[], Some(2), None)).unwrap();
    let ids: Vec<&str> = first.items.iter().map(|m| m.id.as_str()).collect();
    assert_eq!(ids, ["203.0.113.1:40001", "203.0.113.1:40002"]);
    let cursor = first.next.expect("a next cursor");
    let second = MAPPINGS.list(query(&[], Some(2), Some(cursor))).unwrap();
    assert_eq!(second.items.len(), 1);
    assert_eq!(second.items[0].destination.as_deref(), Some("sim:c:80"));
    assert_eq!(second.next, None);
    assert_eq!(requests().len(), 2);

    let err = MAPPINGS
        .list(query(&[], None, Some("!!".into())))
        .unwrap_err();
    assert!(err.message().contains("cursor"));
    assert_eq!(requests().len(), 2);
}

#[test]
fn list_by_sim_and_imsi_turns_404_into_empty() {
    let _host = fake(|method, path, _| {
        assert_eq!(method, "GET");
        match path {
            "/port_mappings/sims/8942" => page(vec![entry("203.0.113.2", 40010, "8942", 22)], None),
            "/port_mappings/sims/none" => soracom_error(404, "PMA0404", "No entries"),
            "/port_mappings/subscribers/440101234567890" => {
                soracom_error(404, "PMA0404", "No entries")
            }
            "/port_mappings/subscribers/bad" => soracom_error(500, "COM0001", "Internal error"),
            other => panic!("unexpected {other}"),
        }
    });
    let by_sim = MAPPINGS
        .list(query(&[("sim-id", "8942")], None, None))
        .unwrap();
    assert_eq!(by_sim.items.len(), 1);
    assert_eq!(by_sim.next, None);
    let mut by_parent = query(&[], None, None);
    by_parent.parent_id = Some("none".into());
    assert!(MAPPINGS.list(by_parent).unwrap().items.is_empty());
    let by_none = MAPPINGS
        .list(query(&[("sim-id", "none")], None, None))
        .unwrap();
    assert!(by_none.items.is_empty());
    let by_imsi = MAPPINGS
        .list(query(&[("imsi", "440101234567890")], None, None))
        .unwrap();
    assert!(by_imsi.items.is_empty());
    let err = MAPPINGS
        .list(query(&[("imsi", "bad")], None, None))
        .unwrap_err();
    assert!(matches!(&err, Error::Provider(p) if p.code.as_deref() == Some("COM0001")));
    let err = MAPPINGS
        .list(query(&[("sim-id", "8942")], None, Some("e30".into())))
        .unwrap_err();
    assert!(err.message().contains("`cursor`"));
    assert_eq!(requests().len(), 5);
}

#[test]
fn get_walks_the_pages_and_reports_not_found() {
    let _host = fake(|_, path, _| match path {
        "/port_mappings" => page(
            vec![entry("203.0.113.1", 40001, "a", 22)],
            Some("203.0.113.1:40001"),
        ),
        "/port_mappings?last_evaluated_key=203.0.113.1%3A40001" => {
            let mut expired = entry("203.0.113.1", 40002, "b", 22);
            expired["expired"] = json!(true);
            page(vec![expired], None)
        }
        "/port_mappings/sims/b" => page(vec![entry("203.0.113.1", 40002, "b", 22)], None),
        other => panic!("unexpected {other}"),
    });
    let found = MAPPINGS.get(locator("203.0.113.1:40002", None)).unwrap();
    assert_eq!(found.id, "203.0.113.1:40002");
    assert_eq!(
        (found.state, found.provider_state.as_str()),
        (State::Inactive, "expired")
    );
    assert_eq!(requests().len(), 2);

    let err = MAPPINGS
        .get(locator("203.0.113.1:49999", None))
        .unwrap_err();
    assert!(err.is_not_found(), "{err:?}");
    assert!(err.message().contains("203.0.113.1:49999"));

    let by_parent = MAPPINGS
        .get(locator("203.0.113.1:40002", Some("b")))
        .unwrap();
    assert_eq!(by_parent.state, State::Available);
    assert_eq!(requests().last().unwrap(), "GET /port_mappings/sims/b");

    let err = MAPPINGS.get(locator("nope", None)).unwrap_err();
    assert!(matches!(err, Error::InvalidInput(_)));
    assert!(err.message().contains("`id`"));
    assert_eq!(requests().len(), 5);
}

#[test]
fn delete_by_endpoint_and_update_is_unsupported() {
    let _host = fake(|method, path, _| match (method, path) {
        ("DELETE", "/port_mappings/203.0.113.1/40001") => empty_response(204),
        ("DELETE", _) => soracom_error(404, "PMA0001", "No such port mapping"),
        other => panic!("unexpected {other:?}"),
    });
    MAPPINGS.delete(locator("203.0.113.1:40001", None)).unwrap();
    let err = MAPPINGS
        .delete(locator("203.0.113.1:40009", None))
        .unwrap_err();
    let Error::NotFound(problem) = &err else {
        panic!("expected not-found, got {err:?}");
    };
    assert_eq!(problem.message, "No such port mapping");
    assert_eq!(problem.code.as_deref(), Some("PMA0001"));
    assert_eq!(problem.status, Some(404));
    let err = MAPPINGS.delete(locator("203.0.113.1", None)).unwrap_err();
    assert!(err.message().contains("`id`"));

    let err = MAPPINGS
        .update(
            locator("203.0.113.1:40001", None),
            spec(Some("sim:1:22"), "", &[]),
        )
        .unwrap_err();
    let Error::Unsupported(message) = err else {
        panic!("expected unsupported");
    };
    assert!(
        message.contains("mapping.update") && message.contains("delete"),
        "{message}"
    );
    assert_eq!(requests().len(), 2);
}

#[test]
fn catalogue_invokes_all_six_operations() {
    let _host = fake(|method, path, body| match (method, path) {
        ("GET", "/port_mappings?limit=1") => page(
            vec![entry("203.0.113.1", 40001, "a", 22)],
            Some("203.0.113.1:40001"),
        ),
        ("GET", "/port_mappings?limit=1&last_evaluated_key=203.0.113.1%3A40001") => {
            page(vec![entry("203.0.113.1", 40002, "b", 22)], None)
        }
        ("POST", "/port_mappings") => {
            assert_eq!(body.unwrap()["destination"]["imsi"], "4401");
            json_response(201, &entry("203.0.113.1", 40003, "c", 22))
        }
        ("POST", "/port_mappings/sims/8942") => {
            assert_eq!(
                body.unwrap()["destination"],
                json!({"port": 22, "service": "arc"})
            );
            json_response(201, &entry("203.0.113.1", 40004, "8942", 22))
        }
        ("GET", "/port_mappings/sims/8942") => {
            page(vec![entry("203.0.113.1", 40004, "8942", 22)], None)
        }
        ("GET", "/port_mappings/subscribers/4401") => page(vec![], None),
        ("DELETE", "/port_mappings/203.0.113.1/40004") => empty_response(204),
        other => panic!("unexpected {other:?}"),
    });
    let invoke =
        |name: &str, params: &[(&str, &str)], body: Option<&str>, cursor: Option<String>| {
            SoracomNapter::ADAPTER.operations.invoke(
                name.into(),
                params
                    .iter()
                    .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
                    .collect(),
                body.map(str::to_owned),
                cursor,
                vec![],
            )
        };
    let first = invoke("listPortMappings", &[("limit", "1")], None, None).unwrap();
    assert_eq!(first.status, 200);
    assert!(first.next.is_some());
    let second = invoke("listPortMappings", &[("limit", "1")], None, first.next).unwrap();
    assert!(second.body.unwrap().as_str().contains("40002"));
    assert_eq!(second.next, None);
    let created = invoke(
        "createPortMapping",
        &[],
        Some(r#"{"destination": {"imsi": "4401", "port": 22}}"#),
        None,
    )
    .unwrap();
    assert_eq!(created.status, 201);
    let for_sim = invoke(
        "createPortMappingForSim",
        &[("sim_id", "8942")],
        Some(r#"{"destination": {"port": 22, "service": "arc"}}"#),
        None,
    )
    .unwrap();
    assert_eq!(for_sim.status, 201);
    let listed = invoke("listPortMappingsForSim", &[("sim_id", "8942")], None, None).unwrap();
    assert!(listed.body.unwrap().as_str().contains("40004"));
    let by_imsi = invoke(
        "listPortMappingsForSubscriber",
        &[("imsi", "4401")],
        None,
        None,
    )
    .unwrap();
    assert_eq!(by_imsi.body.as_ref().map(Body::as_str), Some("[]"));
    let deleted = invoke(
        "deletePortMapping",
        &[("ip_address", "203.0.113.1"), ("port", "40004")],
        None,
        None,
    )
    .unwrap();
    assert_eq!((deleted.status, deleted.body), (204, None));
    assert_eq!(requests().len(), 7);

    let err = invoke("deletePortMapping", &[("ip_address", "x")], None, None).unwrap_err();
    assert!(err.message().contains("`port`"));
    let err = invoke("listPortMappingsForSim", &[], None, Some("e30".into())).unwrap_err();
    assert!(matches!(err, Error::InvalidInput(_)));
    assert_eq!(requests().len(), 7);
}

#[test]
fn profile_settings_pick_the_endpoint() {
    let _host = testing::mock_http(|request| {
        assert!(
            request
                .url
                .starts_with("http://127.0.0.1:4010/v1/port_mappings"),
            "{}",
            request.url
        );
        Ok(json_response(200, &json!([])))
    });
    testing::set_config("endpoint", "http://127.0.0.1:4010/");
    MAPPINGS.list(query(&[], None, None)).unwrap();
    testing::set_config("endpoint", "");
    testing::set_config("coverage", "eu");
    let err = MAPPINGS.list(query(&[], None, None)).unwrap_err();
    assert!(err.message().contains("`coverage`"));
    assert_eq!(testing::sent().len(), 1);
}

mod contract;
