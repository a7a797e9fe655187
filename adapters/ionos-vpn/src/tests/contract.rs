//! What contract 0.2.0 adds, for this adapter: the capability declaration, examples that create
//! and update through the nouns, secret placements that match every request that carries a
//! secret, `clear`, refusals of undeclared input, and creates and deletes whose outcome is
//! unknown.

use std::cell::RefCell;
use std::collections::BTreeMap;
use std::rc::Rc;

use portico_adapter_sdk::serde_json::{Value, json};
use portico_adapter_sdk::testing::{self, Step, empty_response, json_response};
use portico_adapter_sdk::{
    Action, CredentialScheme, Error, Noun, ParentRule, Spec, spec as sdk_spec,
};

use super::{body_of, fake, locator, not_found, query, requests, resource};
use crate::IonosVpn;
use crate::gateways::GATEWAYS;
use crate::peers::PEERS;
use crate::tunnels::TUNNELS;

#[test]
fn describes_nine_regional_hosts_one_credential_and_three_nouns() {
    let d = IonosVpn::ADAPTER.describe();
    assert_eq!(d.name, "ionos-vpn");
    assert_eq!(d.version, env!("CARGO_PKG_VERSION"));
    assert_eq!(d.hosts.len(), 9);
    assert!(d.hosts.contains(&"vpn.fr-par.ionos.com".to_owned()));
    assert_eq!(d.credentials.len(), 1);
    let credential = &d.credentials[0];
    assert_eq!(credential.name, "ionos");
    assert_eq!(credential.hosts, d.hosts);
    let secret: Vec<(&str, bool)> = credential
        .fields
        .iter()
        .map(|f| (f.name.as_str(), f.secret))
        .collect();
    assert_eq!(
        secret,
        [("token", true), ("username", false), ("password", true)]
    );
    assert_eq!(
        credential.schemes[0],
        CredentialScheme::Bearer("token".into())
    );
    let nouns: Vec<(Noun, ParentRule)> = d.nouns.iter().map(|n| (n.noun, n.parent)).collect();
    assert_eq!(
        nouns,
        [
            (Noun::Gateway, ParentRule::None),
            (Noun::Tunnel, ParentRule::Required),
            (Noun::Peer, ParentRule::Required)
        ]
    );
    for support in &d.nouns {
        assert_eq!(support.actions.len(), 5, "{:?}", support.noun);
        assert!(support.filters.is_empty() && !support.labels && !support.unique_names);
    }
    assert_eq!(d.kinds.len(), 4);
    assert_eq!(d.settings[0].allowed.len(), 9);
    assert_eq!(d.settings[0].default_value.as_deref(), Some("de-fra"));
    assert_eq!(d.settings[1].key, "endpoint");
    assert_eq!(d.secret_inputs.len(), 2);
    assert!(
        d.secret_inputs[1]
            .used_by
            .contains(&"op:IpsecgatewaysTunnelsPut".to_owned())
    );
    assert_eq!(d.secret_inputs[0].placements.len(), 2);
}

/// A stateful fake IONOS API: POST to a collection stores a resource under a new id, GET, PUT
/// and DELETE work on what is stored.
fn store() -> testing::MockGuard {
    let docs: Rc<RefCell<BTreeMap<String, Value>>> = Rc::default();
    fake(move |method, path, body| {
        let path = path.split('?').next().unwrap_or_default().to_owned();
        let mut docs = docs.borrow_mut();
        match method {
            "POST" => {
                let id = format!("id-{}", docs.len() + 1);
                let kind = path
                    .rsplit('/')
                    .next()
                    .unwrap_or_default()
                    .trim_end_matches('s');
                let doc = resource(&id, kind, body.unwrap()["properties"].clone());
                docs.insert(format!("{path}/{id}"), doc.clone());
                json_response(201, &doc)
            }
            "PUT" => {
                let mut doc = docs.get(&path).cloned().unwrap();
                doc["properties"] = body.unwrap()["properties"].clone();
                docs.insert(path, doc.clone());
                json_response(200, &doc)
            }
            "DELETE" => match docs.remove(&path) {
                Some(_) => empty_response(202),
                None => not_found(),
            },
            _ => match docs.get(&path) {
                Some(doc) => json_response(200, doc),
                None => not_found(),
            },
        }
    })
}

/// Create and update every example through its noun, as the conformance suite will, and check
/// that every secret placeholder sent sits at a declared placement.
#[test]
fn examples_create_and_update_and_their_secrets_sit_at_placements() {
    let description = IonosVpn::ADAPTER.describe();
    assert_eq!(testing::assert_examples(&IonosVpn::ADAPTER), 4);
    let _host = store();
    let mut parents: BTreeMap<String, String> = BTreeMap::new();
    for example in &description.examples {
        let kind = example.kind.clone().unwrap_or_default();
        let parent = example.parent_kind.as_ref().map(|k| parents[k].clone());
        let parent = parent.as_deref();
        match example.noun {
            Noun::Gateway => {
                let created = GATEWAYS
                    .create(testing::example_spec(example, Step::Create, None))
                    .unwrap();
                let updated = GATEWAYS
                    .update(
                        locator(&created.id, None, Some(&kind)),
                        testing::example_spec(example, Step::Update, None),
                    )
                    .unwrap();
                assert_eq!(updated.description.as_deref(), Some("changed by portico"));
                parents.insert(kind, created.id);
            }
            Noun::Tunnel => {
                let created = TUNNELS
                    .create(testing::example_spec(example, Step::Create, parent))
                    .unwrap();
                let update = testing::example_spec(example, Step::Update, parent);
                let updated = TUNNELS
                    .update(locator(&created.id, parent, None), update)
                    .unwrap();
                assert_eq!(updated.remote_networks, ["10.2.0.0/16"]);
            }
            Noun::Peer => {
                let created = PEERS
                    .create(testing::example_spec(example, Step::Create, parent))
                    .unwrap();
                let update = testing::example_spec(example, Step::Update, parent);
                let updated = PEERS
                    .update(locator(&created.id, parent, None), update)
                    .unwrap();
                assert_eq!(updated.allowed_networks, ["10.8.0.3/32"]);
                assert_eq!(updated.endpoint.as_deref(), Some("198.51.100.8:51820"));
            }
            Noun::Mapping => panic!("IONOS has no mappings"),
        }
    }
    // Two gateway creates and updates with the private key (only WireGuard needs it) and the
    // tunnel's create and update with its pre-shared key.
    assert_eq!(
        testing::assert_placements(&description, &testing::sent()),
        4
    );
}

#[test]
fn catalogue_writes_with_secrets_sit_at_placements() {
    let _host = fake(|_, _, _| json_response(201, &json!({"id": "x"})));
    let psk = testing::placeholder("pre-shared-key");
    let key = testing::placeholder("private-key");
    let gateway = vec![("gatewayId".to_owned(), "g1".to_owned())];
    let tunnel = vec![
        ("gatewayId".to_owned(), "g1".to_owned()),
        ("tunnelId".to_owned(), "t1".to_owned()),
    ];
    for (op, params, body) in [
        (
            "WireguardgatewaysPost",
            vec![],
            json!({"properties": {"privateKey": key}}),
        ),
        (
            "WireguardgatewaysPut",
            gateway.clone(),
            json!({"id": "g1", "properties": {"privateKey": key}}),
        ),
        (
            "IpsecgatewaysTunnelsPost",
            gateway,
            json!({"properties": {"auth": {"psk": {"key": psk}}}}),
        ),
        (
            "IpsecgatewaysTunnelsPut",
            tunnel,
            json!({"id": "t1", "properties": {"auth": {"psk": {"key": psk}}}}),
        ),
    ] {
        IonosVpn::ADAPTER
            .operations
            .invoke(op.into(), params, Some(body.to_string()), None, vec![])
            .unwrap();
    }
    let description = IonosVpn::ADAPTER.describe();
    assert_eq!(
        testing::assert_placements(&description, &testing::sent()),
        4
    );
}

#[test]
fn clear_empties_the_optional_fields_and_refuses_required_ones() {
    let _host = store();
    let created = PEERS
        .create(testing::example_spec(
            &IonosVpn::ADAPTER.describe().examples[3],
            Step::Create,
            Some("w1"),
        ))
        .unwrap();
    let mut update: portico_adapter_sdk::PeerSpec = testing::example_spec(
        &IonosVpn::ADAPTER.describe().examples[3],
        Step::Update,
        Some("w1"),
    );
    update.description = None;
    update.clear = vec!["endpoint".into()];
    let cleared = PEERS
        .update(locator(&created.id, Some("w1"), None), update.clone())
        .unwrap();
    assert_eq!(cleared.endpoint, None);
    let put = body_of(testing::sent().len() - 1);
    assert!(put["properties"].get("endpoint").is_none(), "{put}");

    for field in ["name", "public-key"] {
        let refused = PEERS
            .update(
                locator(&created.id, Some("w1"), None),
                portico_adapter_sdk::PeerSpec {
                    clear: vec![field.into()],
                    allowed_networks: vec![],
                    ..update.clone()
                },
            )
            .unwrap_err();
        assert_eq!(refused.field(), Some(field), "{refused:?}");
    }
    let gateway = portico_adapter_sdk::GatewaySpec {
        kind: None,
        name: None,
        description: None,
        public_address: None,
        networks: vec![],
        labels: vec![],
        clear: vec!["public-address".into()],
        properties: "{}".into(),
        secrets: vec![testing::secret("private-key")],
    };
    let err = GATEWAYS
        .update(locator("w1", None, Some("wireguard")), gateway.clone())
        .unwrap_err();
    assert_eq!(err.field(), Some("public-address"));
    assert!(err.message().contains("cannot be cleared"), "{err:?}");
    assert!(gateway.clears("public-address"));
}

#[test]
fn undeclared_input_is_refused_before_sending() {
    let _host = fake(|_, path, _| panic!("unexpected request {path}"));
    let filtered = portico_adapter_sdk::Query {
        filters: vec![("name".into(), "x".into())],
        ..query(None, None, None)
    };
    assert_eq!(
        GATEWAYS.list(filtered).unwrap_err().field(),
        Some("filters.name")
    );
    assert_eq!(
        GATEWAYS
            .list(query(Some("openvpn"), None, None))
            .unwrap_err()
            .field(),
        Some("kind")
    );
    let under = portico_adapter_sdk::Query {
        parent_id: Some("g1".into()),
        ..query(None, None, None)
    };
    assert_eq!(GATEWAYS.list(under).unwrap_err().field(), Some("parent-id"));
    assert_eq!(
        TUNNELS.get(locator("t1", None, None)).unwrap_err().field(),
        Some("parent-id")
    );
    let labelled = portico_adapter_sdk::PeerSpec {
        kind: None,
        parent_id: Some("w1".into()),
        name: Some("p".into()),
        description: None,
        public_key: Some("k".into()),
        endpoint: None,
        allowed_networks: vec!["10.8.0.2/32".into()],
        labels: vec![sdk_spec::label("env", "prod")],
        clear: vec![],
        properties: "{}".into(),
        secrets: vec![],
    };
    let err = PEERS.create(labelled).unwrap_err();
    assert_eq!(err.field(), Some("labels"));
    assert!(matches!(err, Error::InvalidInput(_)));
    assert!(testing::sent().is_empty());
    let support = PEERS.support().unwrap();
    assert_eq!(support.actions[0], Action::List);
}

#[test]
fn a_create_whose_response_was_lost_is_not_sent_twice() {
    testing::reset();
    // The create commits and its answer is lost; the tunnel is then the only one of its name.
    let _host = testing::mock_http(|request| match request.method {
        portico_adapter_sdk::Method::Post => Err(testing::lost_response()),
        _ => Ok(json_response(
            200,
            &json!({"items": [resource("t9", "ipsectunnel", json!({"name": "portico-tunnel"}))]}),
        )),
    });
    let example = &IonosVpn::ADAPTER.describe().examples[2];
    let found = TUNNELS
        .create(testing::example_spec(example, Step::Create, Some("g1")))
        .unwrap();
    assert_eq!(found.id, "t9");
    let sent = requests();
    assert_eq!(sent[0], "POST /ipsecgateways/g1/tunnels");
    assert!(
        sent[1..]
            .iter()
            .all(|r| r.starts_with("GET /ipsecgateways/g1/tunnels")),
        "{sent:?}"
    );
}

#[test]
fn a_lost_create_whose_name_two_tunnels_share_says_so() {
    testing::reset();
    let _host = testing::mock_http(|request| match request.method {
        portico_adapter_sdk::Method::Post => Err(testing::lost_response()),
        _ => Ok(json_response(
            200,
            &json!({"items": [
                resource("t1", "ipsectunnel", json!({"name": "portico-tunnel"})),
                resource("t2", "ipsectunnel", json!({"name": "portico-tunnel"})),
            ]}),
        )),
    });
    let example = &IonosVpn::ADAPTER.describe().examples[2];
    let err = TUNNELS
        .create(testing::example_spec(example, Step::Create, Some("g1")))
        .unwrap_err();
    // IONOS names need not be unique: with two, which one is new cannot be told.
    assert!(matches!(err, Error::Host(_)), "{err:?}");
    assert!(
        err.message()
            .contains("2 resources are named `portico-tunnel`"),
        "{err:?}"
    );
    assert!(
        err.message()
            .contains("tunnel `portico-tunnel` of gateway `g1`"),
        "{err:?}"
    );
}

#[test]
fn a_delete_whose_response_was_lost_is_checked_with_get() {
    let _host = testing::mock_http(|request| match request.method.as_str() {
        "DELETE" => Err(testing::lost_response()),
        _ => Ok(not_found()),
    });
    PEERS.delete(locator("p1", Some("w1"), None)).unwrap();
    assert_eq!(
        requests(),
        [
            "DELETE /wireguardgateways/w1/peers/p1",
            "GET /wireguardgateways/w1/peers/p1"
        ]
    );
}
