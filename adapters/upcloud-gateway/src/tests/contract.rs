//! What contract 0.2.0 adds, for this adapter: the capability declaration, examples that create
//! and update through the nouns with the pre-shared key at its placements, gateway labels both
//! ways, `clear`, refusals of undeclared input, and creates whose outcome is unknown.

use std::cell::RefCell;
use std::collections::BTreeMap;
use std::rc::Rc;

use portico_adapter_sdk::serde_json::{Value, json};
use portico_adapter_sdk::testing::{self, Step, empty_response, json_response};
use portico_adapter_sdk::{Error, Noun, Operations, ParentRule, spec as sdk_spec};

use super::{
    CONN, GW, body_of, connection, fake, gateway, gateway_spec, locator, not_found, query,
    requests, tunnel, tunnel_spec,
};
use crate::UpcloudGateway;
use crate::catalog::CATALOGUE;
use crate::gateways::GATEWAYS;
use crate::tunnels::TUNNELS;

#[test]
fn describes_labelled_gateways_and_their_connections() {
    let d = UpcloudGateway::ADAPTER.describe();
    let nouns: Vec<(Noun, ParentRule, usize, bool)> = d
        .nouns
        .iter()
        .map(|n| (n.noun, n.parent, n.filters.len(), n.labels))
        .collect();
    assert_eq!(
        nouns,
        [
            (Noun::Gateway, ParentRule::None, 1, true),
            (Noun::Tunnel, ParentRule::Required, 0, false)
        ]
    );
    assert!(
        d.nouns
            .iter()
            .all(|n| n.actions.len() == 5 && !n.unique_names)
    );
    assert_eq!(d.secret_inputs[0].placements.len(), 6);
    assert_eq!(testing::assert_examples(&UpcloudGateway::ADAPTER), 3);
}

/// A stateful fake UpCloud: gateways and their connections, created, read, patched.
fn store() -> testing::MockGuard {
    let docs: Rc<RefCell<BTreeMap<String, Value>>> = Rc::default();
    fake(move |method, path, body| {
        let path = path.trim_end_matches('/').to_owned();
        let mut docs = docs.borrow_mut();
        match method {
            "POST" => {
                let id = format!("10{:030}", docs.len() + 1);
                let mut doc = body.unwrap();
                doc["uuid"] = json!(id);
                if path == "/gateway" {
                    doc["addresses"] = json!([{"name": "public-ip-1", "address": "203.0.113.9"}]);
                    doc["operational_state"] = json!("pending");
                }
                docs.insert(format!("{path}/{id}"), doc.clone());
                json_response(201, &doc)
            }
            "PATCH" => {
                let mut doc = docs.get(&path).cloned().unwrap();
                for (key, value) in body.unwrap().as_object().unwrap() {
                    doc[key] = value.clone();
                }
                docs.insert(path, doc.clone());
                json_response(200, &doc)
            }
            "DELETE" => match docs.remove(&path) {
                Some(_) => empty_response(204),
                None => not_found(),
            },
            _ => match docs.get(&path) {
                Some(doc) => json_response(200, doc),
                None => not_found(),
            },
        }
    })
}

#[test]
fn examples_create_and_update_and_the_key_sits_at_its_placements() {
    let _host = store();
    let description = UpcloudGateway::ADAPTER.describe();
    let mut parents: BTreeMap<String, String> = BTreeMap::new();
    for example in &description.examples {
        let kind = example.kind.clone().unwrap_or_default();
        let parent = example.parent_kind.as_ref().map(|k| parents[k].clone());
        match example.noun {
            Noun::Gateway => {
                let created = GATEWAYS
                    .create(testing::example_spec(example, Step::Create, None))
                    .unwrap();
                let updated = GATEWAYS
                    .update(
                        locator(&created.id, None),
                        testing::example_spec(example, Step::Update, None),
                    )
                    .unwrap();
                if kind == "vpn" {
                    assert_eq!(updated.name.as_deref(), Some("portico-vpn-renamed"));
                    assert_eq!(updated.labels, [sdk_spec::label("team", "portico")]);
                } else {
                    assert_eq!(updated.labels, [sdk_spec::label("env", "test")]);
                }
                parents.insert(kind, created.id);
            }
            Noun::Tunnel => {
                let parent = parent.as_deref();
                let created = TUNNELS
                    .create(testing::example_spec(example, Step::Create, parent))
                    .unwrap();
                let updated = TUNNELS
                    .update(
                        locator(&created.id, parent),
                        testing::example_spec(example, Step::Update, parent),
                    )
                    .unwrap();
                assert_eq!(updated.remote_networks, ["172.17.0.0/16"]);
            }
            other => panic!("UpCloud has no {other:?}"),
        }
    }
    assert_eq!(
        testing::assert_placements(&description, &testing::sent()),
        2
    );
}

#[test]
fn catalogue_writes_with_the_key_sit_at_placements() {
    let _host = fake(|_, _, _| json_response(200, &json!({"uuid": "10x"})));
    let key = testing::placeholder("pre-shared-key");
    let tunnel_body = json!({"name": "t", "ipsec": {"authentication": {"psk": key}}});
    let connection_body = json!({"name": "c", "tunnels": [tunnel_body]});
    let gateway_body = json!({"name": "g", "connections": [connection_body]});
    let gw = ("uuid", GW);
    let conn = ("conn_uuid", CONN);
    let tun = ("tunnel_uuid", "10t");
    for (op, params, body) in [
        ("CreateGateway", vec![], &gateway_body),
        ("ModifyGateway", vec![gw], &gateway_body),
        ("CreateGatewayConnection", vec![gw], &connection_body),
        ("ModifyGatewayConnection", vec![gw, conn], &connection_body),
        (
            "CreateGatewayConnectionTunnel",
            vec![gw, conn],
            &tunnel_body,
        ),
        (
            "ModifyGatewayConnectionTunnel",
            vec![gw, conn, tun],
            &tunnel_body,
        ),
    ] {
        let params = params
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect();
        CATALOGUE
            .invoke(op.into(), params, Some(body.to_string()), None, vec![])
            .unwrap();
    }
    let description = UpcloudGateway::ADAPTER.describe();
    assert_eq!(
        testing::assert_placements(&description, &testing::sent()),
        6
    );
}

#[test]
fn gateway_labels_are_set_by_key_and_cleared() {
    let _host = fake(|method, path, body| match (method, path) {
        ("GET", "/gateway/10a") => {
            let mut doc = gateway("10a", &["vpn"]);
            doc["labels"] =
                json!([{"key": "env", "value": "dev"}, {"key": "team", "value": "ops"}]);
            json_response(200, &doc)
        }
        ("PATCH", "/gateway/10a") => {
            let mut doc = gateway("10a", &["vpn"]);
            doc["labels"] = body.unwrap()["labels"].clone();
            json_response(200, &doc)
        }
        other => panic!("unexpected {other:?}"),
    });
    let set = portico_adapter_sdk::GatewaySpec {
        name: None,
        labels: vec![sdk_spec::label("env", "prod"), sdk_spec::label("new", "x")],
        ..gateway_spec(None, json!({}))
    };
    let updated = GATEWAYS.update(locator("10a", None), set).unwrap();
    assert_eq!(
        updated.labels,
        [
            sdk_spec::label("env", "prod"),
            sdk_spec::label("team", "ops"),
            sdk_spec::label("new", "x")
        ]
    );
    assert_eq!(requests(), ["GET /gateway/10a", "PATCH /gateway/10a"]);
    let clear = portico_adapter_sdk::GatewaySpec {
        name: None,
        clear: vec!["labels".into()],
        ..gateway_spec(None, json!({}))
    };
    let cleared = GATEWAYS.update(locator("10a", None), clear).unwrap();
    assert!(cleared.labels.is_empty());
    assert_eq!(body_of(2), json!({"labels": []}));
    let name = portico_adapter_sdk::GatewaySpec {
        name: None,
        clear: vec!["name".into()],
        ..gateway_spec(None, json!({}))
    };
    let err = GATEWAYS.update(locator("10a", None), name).unwrap_err();
    assert_eq!(err.field(), Some("name"));
}

#[test]
fn clearing_a_connection_s_lists_patches_them_empty() {
    let answer = connection(vec![tunnel("office-tunnel", "198.51.100.7")]);
    let _host = fake(move |method, _, body| match method {
        "PATCH" => {
            let mut doc = answer.clone();
            for (key, value) in body.unwrap().as_object().unwrap() {
                doc[key] = value.clone();
            }
            json_response(200, &doc)
        }
        _ => json_response(200, &answer),
    });
    let clear = portico_adapter_sdk::TunnelSpec {
        parent_id: None,
        clear: vec!["remote-networks".into(), "remote-address".into()],
        ..tunnel_spec()
    };
    let cleared = TUNNELS.update(locator(CONN, Some(GW)), clear).unwrap();
    assert!(cleared.remote_networks.is_empty() && cleared.remote_address.is_none());
    assert_eq!(body_of(0), json!({"remote_routes": [], "tunnels": []}));
}

#[test]
fn undeclared_input_is_refused_before_sending() {
    let _host = fake(|_, path, _| panic!("unexpected request {path}"));
    let mut filtered = query(None, None, None);
    filtered.filters = vec![("zone".into(), "fi-hel1".into())];
    assert_eq!(
        GATEWAYS.list(filtered).unwrap_err().field(),
        Some("filters.zone")
    );
    let labelled = portico_adapter_sdk::TunnelSpec {
        labels: vec![sdk_spec::label("a", "b")],
        ..tunnel_spec()
    };
    assert_eq!(
        TUNNELS.create(labelled).unwrap_err().field(),
        Some("labels")
    );
    assert_eq!(
        TUNNELS.get(locator(CONN, None)).unwrap_err().field(),
        Some("parent-id")
    );
    assert!(testing::sent().is_empty());
}

#[test]
fn a_create_whose_response_was_lost_is_sent_once() {
    testing::reset();
    let _host = testing::mock_http(|_| Err(testing::lost_response()));
    let example = &UpcloudGateway::ADAPTER.describe().examples[0];
    let err = GATEWAYS
        .create(testing::example_spec(example, Step::Create, None))
        .unwrap_err();
    assert!(matches!(err, Error::Host(_)), "{err:?}");
    assert!(
        err.message()
            .contains("looking for gateway `portico-vpn` failed too"),
        "{err:?}"
    );
    // The create once, then only the lookup.
    let sent = requests();
    assert_eq!(sent[0], "POST /gateway");
    assert!(
        sent[1..].iter().all(|r| r.starts_with("GET /gateway")),
        "{sent:?}"
    );
}
