//! What contract 0.2.0 adds, for this adapter: the capability declaration, examples that create
//! and update through the nouns, labels (VPG tags) both ways, `clear`, refusals of undeclared
//! input, and creates and deletes whose outcome is unknown.

use portico_adapter_sdk::serde_json::json;
use portico_adapter_sdk::testing::{self, Step, empty_response, json_response};
use portico_adapter_sdk::{Error, Noun, ParentRule, spec as sdk_spec};

use super::{
    VPGS, body_of, fake, gate_peers, gateway_spec, locator, mapping_spec, peer_spec, query,
    requests, soracom_error, vpg,
};
use crate::SoracomVpg;
use crate::gateways::GATEWAYS;
use crate::mappings::MAPPINGS;
use crate::peers::PEERS;

#[test]
fn describes_three_nouns_with_tags_as_gateway_labels() {
    let d = SoracomVpg::ADAPTER.describe();
    let nouns: Vec<(Noun, ParentRule, usize, bool)> = d
        .nouns
        .iter()
        .map(|n| (n.noun, n.parent, n.filters.len(), n.labels))
        .collect();
    assert_eq!(
        nouns,
        [
            (Noun::Gateway, ParentRule::None, 4, true),
            (Noun::Peer, ParentRule::Required, 0, false),
            (Noun::Mapping, ParentRule::Required, 0, false),
        ]
    );
    assert!(
        d.nouns
            .iter()
            .all(|n| n.actions.len() == 5 && !n.unique_names)
    );
    let kinds: Vec<(Noun, &str)> = d.kinds.iter().map(|k| (k.noun, k.kind.as_str())).collect();
    assert_eq!(
        kinds,
        [
            (Noun::Gateway, "vpg"),
            (Noun::Peer, "gate"),
            (Noun::Peer, "mirroring"),
            (Noun::Mapping, "ip-address-map"),
            (Noun::Mapping, "customer-route"),
        ]
    );
    assert_eq!(d.hosts.len(), 4);
    assert_eq!(d.credentials[0].name, "soracom");
    let settings: Vec<&str> = d.settings.iter().map(|s| s.key.as_str()).collect();
    assert_eq!(settings, ["coverage", "sandbox", "endpoint"]);
    assert!(d.secret_inputs.is_empty());
    assert_eq!(testing::assert_examples(&SoracomVpg::ADAPTER), 5);
}

#[test]
fn examples_create_through_the_nouns() {
    let _host = fake(|method, path, body| match (method, path) {
        ("POST", VPGS) => {
            let mut doc = vpg("v9");
            doc["tags"] = body.unwrap()["tags"].clone();
            json_response(201, &doc)
        }
        ("POST", "/virtual_private_gateways/v9/gate/peers") => json_response(200, &body.unwrap()),
        ("POST", "/virtual_private_gateways/v9/junction/mirroring/peers") => empty_response(201),
        ("POST", "/virtual_private_gateways/v9/ip_address_map") => {
            json_response(200, &body.unwrap())
        }
        ("POST", "/virtual_private_gateways/v9/customer_routes") => {
            let mut route = body.unwrap();
            route["id"] = json!("r-9");
            json_response(201, &route)
        }
        ("GET", "/virtual_private_gateways/v9") => json_response(200, &vpg("v9")),
        ("GET", "/virtual_private_gateways/v9/gate/peers") => json_response(200, &gate_peers()),
        other => panic!("unexpected {other:?}"),
    });
    for example in &SoracomVpg::ADAPTER.describe().examples {
        match example.noun {
            Noun::Gateway => {
                let created = GATEWAYS
                    .create(testing::example_spec(example, Step::Create, None))
                    .unwrap();
                assert_eq!(created.labels, [sdk_spec::label("team", "portico")]);
            }
            Noun::Peer => {
                PEERS
                    .create(testing::example_spec(example, Step::Create, Some("v9")))
                    .unwrap();
            }
            Noun::Mapping => {
                MAPPINGS
                    .create(testing::example_spec(example, Step::Create, Some("v9")))
                    .unwrap();
            }
            Noun::Tunnel => panic!("Soracom has no tunnels"),
        }
    }
    assert_eq!(
        body_of(0),
        json!({"tags": {"team": "portico", "name": "portico-vpg"}, "type": 14})
    );
    assert_eq!(body_of(1), json!({"outerIpAddress": "198.51.100.7"}));
    // The IP address map's put by key is idempotent: the host may retry it.
    let put = testing::sent()
        .into_iter()
        .find(|r| r.url.ends_with("/ip_address_map"))
        .unwrap();
    assert_eq!(put.idempotent, Some(true));
}

#[test]
fn gateway_labels_are_tags_other_than_name_and_description() {
    let _host = fake(|method, path, _| match (method, path) {
        ("GET", "/virtual_private_gateways/v1") => {
            let mut doc = vpg("v1");
            doc["tags"] = json!({"name": "v1", "description": "d", "team": "ops", "env": "prod"});
            json_response(200, &doc)
        }
        ("PUT", "/virtual_private_gateways/v1/tags") => empty_response(204),
        ("DELETE", path) if path.starts_with("/virtual_private_gateways/v1/tags/") => {
            empty_response(204)
        }
        other => panic!("unexpected {other:?}"),
    });
    let got = GATEWAYS.get(locator("v1", None, None)).unwrap();
    assert_eq!(
        got.labels,
        [
            sdk_spec::label("team", "ops"),
            sdk_spec::label("env", "prod")
        ]
    );
    // Labels are set by key; a cleared description deletes its tag.
    GATEWAYS
        .update(
            locator("v1", None, None),
            portico_adapter_sdk::GatewaySpec {
                labels: vec![sdk_spec::label("team", "net")],
                clear: vec!["description".into()],
                ..gateway_spec()
            },
        )
        .unwrap();
    assert_eq!(body_of(1), json!([{"tagName": "team", "tagValue": "net"}]));
    assert_eq!(
        requests()[2],
        "DELETE /virtual_private_gateways/v1/tags/description"
    );
    // Clearing labels deletes every tag but the typed ones (and keeps labels set alongside).
    let before = requests().len();
    GATEWAYS
        .update(
            locator("v1", None, None),
            portico_adapter_sdk::GatewaySpec {
                clear: vec!["labels".into()],
                ..gateway_spec()
            },
        )
        .unwrap();
    assert_eq!(
        requests()[before..],
        [
            "GET /virtual_private_gateways/v1",
            "DELETE /virtual_private_gateways/v1/tags/team",
            "DELETE /virtual_private_gateways/v1/tags/env",
            "GET /virtual_private_gateways/v1",
        ]
    );
    let err = GATEWAYS
        .update(
            locator("v1", None, None),
            portico_adapter_sdk::GatewaySpec {
                clear: vec!["name".into()],
                ..gateway_spec()
            },
        )
        .unwrap_err();
    assert_eq!(err.field(), Some("name"));
}

#[test]
fn undeclared_input_is_refused_before_sending() {
    let _host = fake(|_, path, _| panic!("unexpected request {path}"));
    let mut filtered = query(None, None, None, None);
    filtered.filters = vec![("status".into(), "running".into())];
    assert_eq!(
        GATEWAYS.list(filtered).unwrap_err().field(),
        Some("filters.status")
    );
    assert_eq!(
        GATEWAYS
            .list(query(Some("v1"), None, None, None))
            .unwrap_err()
            .field(),
        Some("parent-id")
    );
    assert_eq!(
        PEERS
            .list(query(Some("v1"), Some("wireguard"), None, None))
            .unwrap_err()
            .field(),
        Some("kind")
    );
    let labelled = portico_adapter_sdk::PeerSpec {
        labels: vec![sdk_spec::label("a", "b")],
        ..peer_spec(Some("gate"))
    };
    assert_eq!(PEERS.create(labelled).unwrap_err().field(), Some("labels"));
    let cleared = portico_adapter_sdk::MappingSpec {
        clear: vec!["destination".into()],
        ..mapping_spec(None)
    };
    let err = MAPPINGS
        .update(locator("4401", Some("v1"), Some("ip-address-map")), cleared)
        .unwrap_err();
    assert_eq!(err.field(), Some("destination"));
    assert!(testing::sent().is_empty());
}

#[test]
fn a_lost_peer_create_is_found_by_its_address() {
    let _host = fake(|method, path, _| match (method, path) {
        ("POST", "/virtual_private_gateways/v1/gate/peers") => {
            json_response(503, &json!({"code": "COM0002", "message": "busy"}))
        }
        ("GET", "/virtual_private_gateways/v1/gate/peers") => json_response(200, &gate_peers()),
        ("GET", "/virtual_private_gateways/v1") => json_response(200, &vpg("v1")),
        other => panic!("unexpected {other:?}"),
    });
    let found = PEERS
        .create(portico_adapter_sdk::PeerSpec {
            endpoint: Some("198.51.100.8".into()),
            ..peer_spec(Some("gate"))
        })
        .unwrap();
    assert_eq!(found.id, "198.51.100.8");
    assert_eq!(
        requests(),
        [
            "POST /virtual_private_gateways/v1/gate/peers",
            "GET /virtual_private_gateways/v1/gate/peers"
        ],
        "one create, one lookup, no second create"
    );
}

#[test]
fn creates_without_a_natural_key_say_so() {
    testing::reset();
    let _host = testing::mock_http(|_| Err(testing::lost_response()));
    // A named VPG is looked up by its name (here the lookup fails too, and says so).
    let err = GATEWAYS
        .create(portico_adapter_sdk::GatewaySpec {
            name: Some("edge".into()),
            ..gateway_spec()
        })
        .unwrap_err();
    assert!(matches!(err, Error::Host(_)));
    assert!(
        err.message()
            .contains("looking for gateway `edge` failed too"),
        "{err:?}"
    );
    let route = portico_adapter_sdk::MappingSpec {
        source: Some("172.16.0.0/16".into()),
        destination: Some("tgw-1".into()),
        ..mapping_spec(Some("customer-route"))
    };
    let err = MAPPINGS.create(route).unwrap_err();
    assert!(err.message().contains("no natural key"), "{err:?}");
    // The VPG create and its lookup, then the route create: none sent twice.
    assert_eq!(testing::sent().len(), 3);
}

#[test]
fn a_terminate_whose_response_was_lost_is_checked_with_get() {
    let _host = fake(|method, path, _| match (method, path) {
        ("POST", "/virtual_private_gateways/v1/terminate") => {
            soracom_error(500, "COM0001", "Internal error")
        }
        ("GET", "/virtual_private_gateways/v1") => {
            let mut doc = vpg("v1");
            doc["status"] = json!("terminating");
            json_response(200, &doc)
        }
        other => panic!("unexpected {other:?}"),
    });
    GATEWAYS.delete(locator("v1", None, None)).unwrap();
    assert_eq!(
        requests(),
        [
            "POST /virtual_private_gateways/v1/terminate",
            "GET /virtual_private_gateways/v1"
        ]
    );
}
