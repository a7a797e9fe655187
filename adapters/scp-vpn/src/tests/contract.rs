//! What contract 0.2.0 adds, for this adapter: the capability declaration, examples that create
//! and update through the nouns with the pre-shared key at its placements, `clear`, an optional
//! parent, refusals of undeclared input, and creates whose outcome is unknown.

use portico_adapter_sdk::serde_json::{Value, json};
use portico_adapter_sdk::testing::{self, Step, json_response};
use portico_adapter_sdk::{Error, Locator, Noun, Operations, ParentRule};

use super::{HOST, fake};
use crate::ScpVpn;
use crate::api::CATALOGUE;
use crate::gateways::GATEWAYS;
use crate::tunnels::TUNNELS;

fn locator(id: &str, parent: Option<&str>) -> Locator {
    Locator {
        id: id.to_owned(),
        parent_id: parent.map(str::to_owned),
        kind: None,
    }
}

/// An SCP that accepts every create and change and answers with what it stored.
fn accepting() -> testing::MockGuard {
    fake(|method, path, body| {
        let path = path.split('?').next().unwrap_or_default().to_owned();
        let (key, id) = if path.starts_with("/v1/vpn-gateways") {
            ("vpn_gateway", "g1")
        } else {
            ("vpn_tunnel", "t1")
        };
        let mut doc = body.unwrap_or_else(|| json!({}));
        doc["id"] = json!(id);
        doc["state"] = json!(if method == "GET" {
            "ACTIVE"
        } else {
            "CREATING"
        });
        json_response(
            if method == "GET" { 200 } else { 202 },
            &json!({ key: doc }),
        )
    })
}

#[test]
fn describes_gateways_and_tunnels_with_an_optional_parent() {
    let d = ScpVpn::ADAPTER.describe();
    let nouns: Vec<(Noun, ParentRule, usize)> = d
        .nouns
        .iter()
        .map(|n| (n.noun, n.parent, n.filters.len()))
        .collect();
    assert_eq!(
        nouns,
        [
            (Noun::Gateway, ParentRule::None, 5),
            (Noun::Tunnel, ParentRule::Optional, 5)
        ]
    );
    assert!(
        d.nouns
            .iter()
            .all(|n| n.actions.len() == 5 && !n.labels && !n.unique_names)
    );
    assert_eq!(d.kinds.len(), 2);
    let psk = &d.secret_inputs[0];
    assert_eq!(psk.placements.len(), 2);
    assert_eq!(psk.placements[0].path, "/v1/vpn-tunnels");
    assert_eq!(testing::assert_examples(&ScpVpn::ADAPTER), 2);
}

#[test]
fn examples_create_and_update_and_the_key_sits_at_its_placements() {
    let _host = accepting();
    let description = ScpVpn::ADAPTER.describe();
    for example in &description.examples {
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
                assert_eq!(updated.description.as_deref(), Some("changed by portico"));
            }
            Noun::Tunnel => {
                let created = TUNNELS
                    .create(testing::example_spec(example, Step::Create, Some("g1")))
                    .unwrap();
                assert_eq!(created.parent_id.as_deref(), Some("g1"));
                let updated = TUNNELS
                    .update(
                        locator(&created.id, None),
                        testing::example_spec(example, Step::Update, Some("g1")),
                    )
                    .unwrap();
                assert_eq!(updated.remote_networks, ["10.2.0.0/16"]);
            }
            other => panic!("SCP has no {other:?}"),
        }
    }
    assert_eq!(
        testing::assert_placements(&description, &testing::sent()),
        2
    );
    // Through the catalogue, as the user writes the body.
    let psk = testing::placeholder("pre-shared-key");
    let key = json!({"phase1": {"pre_shared_key": psk}});
    CATALOGUE
        .invoke(
            "createVpnTunnel".into(),
            vec![],
            Some(key.to_string()),
            None,
            vec![],
        )
        .unwrap();
    let tunnel = vec![("vpn_tunnel_id".to_owned(), "t1".to_owned())];
    CATALOGUE
        .invoke(
            "setVpnTunnel".into(),
            tunnel,
            Some(key.to_string()),
            None,
            vec![],
        )
        .unwrap();
    assert_eq!(
        testing::assert_placements(&description, &testing::sent()),
        4
    );
}

#[test]
fn clear_sends_a_null_description_and_refuses_required_fields() {
    let _host = accepting();
    let update = portico_adapter_sdk::GatewaySpec {
        kind: None,
        name: None,
        description: None,
        public_address: None,
        networks: vec![],
        labels: vec![],
        clear: vec!["description".into()],
        properties: "{}".into(),
        secrets: vec![],
    };
    GATEWAYS
        .update(locator("g1", None), update.clone())
        .unwrap();
    assert_eq!(testing::body_of(0), json!({"description": Value::Null}));
    let err = GATEWAYS
        .update(
            locator("g1", None),
            portico_adapter_sdk::GatewaySpec {
                clear: vec!["public-address".into()],
                ..update
            },
        )
        .unwrap_err();
    assert_eq!(err.field(), Some("public-address"));
    let tunnel = portico_adapter_sdk::TunnelSpec {
        kind: None,
        parent_id: None,
        name: None,
        description: None,
        remote_address: None,
        local_networks: vec![],
        remote_networks: vec![],
        ipsec: None,
        labels: vec![],
        clear: vec!["description".into()],
        properties: "{}".into(),
        secrets: vec![],
    };
    TUNNELS.update(locator("t1", None), tunnel.clone()).unwrap();
    assert_eq!(testing::body_of(1), json!({"description": Value::Null}));
    let err = TUNNELS
        .update(
            locator("t1", None),
            portico_adapter_sdk::TunnelSpec {
                clear: vec!["remote-networks".into()],
                ..tunnel
            },
        )
        .unwrap_err();
    assert_eq!(err.field(), Some("remote-networks"));
}

#[test]
fn tunnels_are_found_with_or_without_their_gateway() {
    let _host = accepting();
    TUNNELS.get(locator("t1", None)).unwrap();
    TUNNELS.delete(locator("t1", Some("g1"))).unwrap();
    let under = portico_adapter_sdk::Query {
        parent_id: Some("g1".into()),
        kind: None,
        filters: vec![("name".into(), "office".into())],
        page: portico_adapter_sdk::Page {
            limit: None,
            cursor: None,
        },
    };
    TUNNELS.list(under).unwrap();
    assert_eq!(
        testing::requests(HOST),
        [
            "GET /v1/vpn-tunnels/t1",
            "DELETE /v1/vpn-tunnels/t1",
            "GET /v1/vpn-tunnels?page=0&size=20&vpn_gateway_id=g1&name=office",
        ]
    );
}

#[test]
fn a_lost_create_is_looked_up_by_name_and_a_failed_lookup_says_so() {
    testing::reset();
    testing::set_identity("scp", "access-key", "AK");
    let _host = testing::mock_http(|_| Err(testing::lost_response()));
    let example = &ScpVpn::ADAPTER.describe().examples[0];
    let err = GATEWAYS
        .create(testing::example_spec(example, Step::Create, None))
        .unwrap_err();
    assert!(matches!(err, Error::Host(_)), "{err:?}");
    assert!(err.message().contains("gateway `porticogw`"), "{err:?}");
    assert!(err.message().contains("looking for"), "{err:?}");
    // The create, then the lookup by name; never a second create.
    let sent = testing::sent();
    assert_eq!(sent.len(), 2);
    assert_eq!(sent[1].method, portico_adapter_sdk::Method::Get);
}
