//! The checks `NounDef` makes before an adapter function runs, and reconciliation of creates
//! and deletes whose outcome is unknown, against the fake host.

use serde_json::{Value, json};

use crate::http::Api;
use crate::testing::{self, fake_api, json_response};
use crate::{
    Action, Error, Gateway, GatewayPage, GatewaySpec, Locator, NounDef, Page, ParentRule, Peer,
    PeerPage, PeerSpec, Query, Result, State, spec,
};

const BASE: &str = "https://api.example.com";

fn api() -> Api {
    Api::new(BASE).with_credential("main")
}

fn record(doc: &Value) -> Gateway {
    Gateway {
        id: doc["id"].as_str().unwrap_or_default().to_owned(),
        kind: "edge".into(),
        name: doc["name"].as_str().map(str::to_owned),
        description: None,
        state: if doc["deleting"] == json!(true) {
            State::Deleting
        } else {
            State::Available
        },
        provider_state: String::new(),
        public_addresses: vec![],
        networks: vec![],
        wireguard: None,
        labels: vec![],
        created_at: None,
        raw: doc.to_string(),
    }
}

fn list(query: Query) -> Result<GatewayPage> {
    let mut request = api().get("/gateways");
    if let Some(cursor) = query.page.cursor {
        request = request.query("after", cursor);
    }
    let response = api().execute(request)?;
    let next = response.header("x-next").map(str::to_owned);
    let items = response.json()?.as_array().cloned().unwrap_or_default();
    Ok(GatewayPage {
        items: items.iter().map(record).collect(),
        next,
        ahead: Vec::new(),
    })
}

fn get(target: Locator) -> Result<Gateway> {
    Ok(record(&api().fetch_json(
        api().get(&format!("/gateways/{}", target.id)),
    )?))
}

fn create(spec: GatewaySpec) -> Result<Gateway> {
    let body = json!({"name": spec.name});
    Ok(record(
        &api().fetch_json(api().post("/gateways").json(&body))?,
    ))
}

fn update(target: Locator, _spec: GatewaySpec) -> Result<Gateway> {
    get(target)
}

fn delete(target: Locator) -> Result<()> {
    api()
        .execute(api().delete(&format!("/gateways/{}", target.id)))
        .map(drop)
}

const GATEWAYS: NounDef<Gateway> = NounDef::top_level()
    .kinds(&[("edge", "an edge"), ("core", "a core")])
    .filters(&[("zone", "in a zone")])
    .unique_names()
    .on_list(list)
    .on_get(get)
    .on_create(create)
    .on_update(update)
    .on_delete(delete);

/// The same noun where names are not unique.
const ANONYMOUS: NounDef<Gateway> = NounDef::top_level()
    .kinds(&[("edge", "an edge")])
    .on_list(list)
    .on_create(create)
    .on_delete(delete);

fn peer_list(query: Query) -> Result<PeerPage> {
    assert_eq!(query.parent()?, "g1");
    Ok(PeerPage {
        items: vec![],
        next: None,
        ahead: Vec::new(),
    })
}

fn peer_update(target: Locator, _spec: PeerSpec) -> Result<Peer> {
    Err(crate::error::not_found(format!(
        "peer {} of {}",
        target.id,
        target.parent()?
    )))
}

fn peer_by_key(spec: &PeerSpec) -> Option<String> {
    spec.endpoint.clone()
}

fn peer_get(target: Locator) -> Result<Peer> {
    let doc = api().fetch_json(api().get(&format!("/peers/{}", target.id)))?;
    Ok(Peer {
        id: doc["id"].as_str().unwrap_or_default().to_owned(),
        parent_id: target.parent_id,
        kind: "gate".into(),
        name: None,
        description: None,
        state: State::Available,
        provider_state: String::new(),
        public_key: None,
        endpoint: None,
        allowed_networks: vec![],
        labels: vec![],
        created_at: None,
        raw: doc.to_string(),
    })
}

fn peer_create(spec: PeerSpec) -> Result<Peer> {
    api().execute(api().post("/peers").json(&json!({"ip": spec.endpoint})))?;
    Err(crate::error::provider("unreachable in these tests"))
}

const PEERS: NounDef<Peer> = NounDef::child(ParentRule::Required)
    .kinds(&[("gate", "a gate peer")])
    .labels()
    .id_from_spec(peer_by_key)
    .on_list(peer_list)
    .on_get(peer_get)
    .on_create(peer_create)
    .on_update(peer_update);

fn query(kind: Option<&str>, parent: Option<&str>, filters: &[(&str, &str)]) -> Query {
    Query {
        parent_id: parent.map(str::to_owned),
        kind: kind.map(str::to_owned),
        filters: filters
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect(),
        page: Page {
            limit: None,
            cursor: None,
        },
    }
}

fn locator(id: &str, parent: Option<&str>, kind: Option<&str>) -> Locator {
    Locator {
        id: id.to_owned(),
        parent_id: parent.map(str::to_owned),
        kind: kind.map(str::to_owned),
    }
}

fn gateway_spec(name: Option<&str>) -> GatewaySpec {
    GatewaySpec {
        kind: Some("edge".into()),
        name: name.map(str::to_owned),
        description: None,
        public_address: None,
        networks: vec![],
        labels: vec![],
        clear: vec![],
        properties: "{}".into(),
        secrets: vec![],
    }
}

fn peer_spec() -> PeerSpec {
    PeerSpec {
        kind: None,
        parent_id: Some("g1".into()),
        name: None,
        description: None,
        public_key: None,
        endpoint: Some("198.51.100.7".into()),
        allowed_networks: vec![],
        labels: vec![],
        clear: vec![],
        properties: "{}".into(),
        secrets: vec![],
    }
}

fn refused<T: std::fmt::Debug>(result: Result<T>) -> (String, String) {
    match result {
        Err(Error::InvalidInput(p)) => (p.field.unwrap_or_default(), p.message),
        other => panic!("expected invalid-input, got {other:?}"),
    }
}

#[test]
fn support_is_derived_from_the_functions() {
    let support = GATEWAYS.support().unwrap();
    assert_eq!(
        support.actions,
        [
            Action::List,
            Action::Get,
            Action::Create,
            Action::Update,
            Action::Delete
        ]
    );
    assert_eq!(support.parent, ParentRule::None);
    assert_eq!(support.filters[0].key, "zone");
    assert!(support.unique_names && !support.labels);
    let peers = PEERS.support().unwrap();
    assert_eq!(
        peers.actions,
        [Action::List, Action::Get, Action::Create, Action::Update]
    );
    assert!(peers.labels && !peers.unique_names);
    assert_eq!(GATEWAYS.kind_infos().len(), 2);
    let nothing = NounDef::<Gateway>::top_level().kinds(&[("x", "y")]);
    assert!(nothing.support().is_none() && nothing.kind_infos().is_empty());
}

#[test]
fn lists_check_kind_filters_and_parent_before_the_adapter_runs() {
    let _host = fake_api(BASE, Some("main"), |_, _, _| json_response(200, &json!([])));
    let (field, message) = refused(GATEWAYS.list(query(Some("wireguard"), None, &[])));
    assert_eq!(field, "kind");
    assert_eq!(
        message,
        "`kind` of a gateway must be `edge` or `core`, got `wireguard`"
    );
    let (field, message) = refused(GATEWAYS.list(query(None, None, &[("name", "x")])));
    assert_eq!(field, "filters.name");
    assert_eq!(message, "unknown filter `name` (known: `zone`)");
    let (field, _) = refused(GATEWAYS.list(query(None, Some("p"), &[])));
    assert_eq!(field, "parent-id");
    let (field, message) = refused(PEERS.list(query(None, None, &[])));
    assert_eq!(field, "parent-id");
    assert_eq!(
        message,
        "missing `parent-id`: every peer belongs to a gateway (give its id as the parent)"
    );
    let (field, message) = refused(PEERS.list(query(Some("gate"), Some("g1"), &[("a", "b")])));
    assert_eq!(field, "filters.a");
    assert_eq!(
        message,
        "`filters` are not supported when listing peers (got `a`)"
    );
    assert!(testing::sent().is_empty());
    GATEWAYS
        .list(query(Some(" edge "), Some(" "), &[("zone", "z1")]))
        .unwrap();
    PEERS.list(query(None, Some(" g1 "), &[])).unwrap();
    assert_eq!(testing::sent().len(), 1);
}

#[test]
fn updates_check_kind_parent_labels_and_clear() {
    let _host = fake_api(BASE, Some("main"), |_, _, _| {
        json_response(200, &json!({"id": "g"}))
    });
    let change = GatewaySpec {
        kind: Some("core".into()),
        ..gateway_spec(None)
    };
    let (field, message) = refused(GATEWAYS.update(locator("g", None, Some("edge")), change));
    assert_eq!(field, "kind");
    assert_eq!(message, "`kind` cannot change from `edge` to `core`");
    let labelled = GatewaySpec {
        labels: vec![spec::label("a", "b")],
        ..gateway_spec(None)
    };
    assert_eq!(
        refused(GATEWAYS.update(locator("g", None, None), labelled.clone())).0,
        "labels"
    );
    assert_eq!(refused(GATEWAYS.create(labelled)).0, "labels");
    let clear_on_create = GatewaySpec {
        clear: vec!["description".into()],
        ..gateway_spec(Some("n"))
    };
    assert_eq!(refused(GATEWAYS.create(clear_on_create)).0, "clear");
    let unknown = GatewaySpec {
        clear: vec!["colour".into()],
        ..gateway_spec(None)
    };
    let (field, message) = refused(GATEWAYS.update(locator("g", None, None), unknown));
    assert_eq!(field, "clear");
    assert!(message.contains("`colour`") && message.contains("public-address"));
    let both = GatewaySpec {
        clear: vec!["name".into()],
        ..gateway_spec(Some("n"))
    };
    assert_eq!(
        refused(GATEWAYS.update(locator("g", None, None), both)),
        (
            "name".into(),
            "`name` is both set and named in `clear`".into()
        )
    );
    let clear_labels = GatewaySpec {
        clear: vec!["labels".into()],
        ..gateway_spec(None)
    };
    assert_eq!(
        refused(GATEWAYS.update(locator("g", None, None), clear_labels)).0,
        "labels"
    );
    assert!(testing::sent().is_empty());

    let moved = PeerSpec {
        parent_id: Some("g2".into()),
        ..peer_spec()
    };
    let (field, message) = refused(PEERS.update(locator("p", Some("g1"), None), moved));
    assert_eq!(field, "parent-id");
    assert_eq!(
        message,
        "`parent-id` `g2` differs from the parent `g1`: a peer cannot move to another gateway"
    );
    // The spec's parent fills in a locator without one.
    let err = PEERS
        .update(locator("p", None, None), peer_spec())
        .unwrap_err();
    assert_eq!(err.message(), "peer p of g1");
    let orphan = PeerSpec {
        parent_id: None,
        ..peer_spec()
    };
    assert_eq!(
        refused(PEERS.update(locator("p", None, None), orphan)).0,
        "parent-id"
    );
}

#[test]
fn unimplemented_actions_are_unsupported() {
    let err = PEERS.delete(locator("p", Some("g1"), None)).unwrap_err();
    assert_eq!(
        err,
        Error::Unsupported("peer.delete is not supported by this adapter".into())
    );
    let err = NounDef::<Gateway>::top_level()
        .list(query(None, None, &[]))
        .unwrap_err();
    assert!(matches!(err, Error::Unsupported(_)));
}

#[test]
fn a_lost_create_response_returns_the_resource_it_made() {
    let _host = fake_api(BASE, Some("main"), |method, path, _| match (method, path) {
        ("POST", "/gateways") => json_response(599, &json!({})),
        ("GET", "/gateways") => {
            let mut page = json_response(200, &json!([{"id": "other", "name": "x"}]));
            page.headers.push(("x-next".into(), "p2".into()));
            page
        }
        ("GET", "/gateways?after=p2") => json_response(200, &json!([{"id": "g9", "name": "edge"}])),
        other => panic!("unexpected {other:?}"),
    });
    // A provider 5xx: the gateway is looked up by name over every page.
    let found = GATEWAYS.create(gateway_spec(Some("edge"))).unwrap();
    assert_eq!(found.id, "g9");
    assert_eq!(
        testing::requests(BASE),
        ["POST /gateways", "GET /gateways", "GET /gateways?after=p2"]
    );
}

#[test]
fn a_broken_connection_on_create_is_reconciled_without_a_second_create() {
    testing::reset();
    let _host = testing::mock_http(|request| match request.method.as_str() {
        "POST" => Err(testing::lost_response()),
        _ => Ok(json_response(200, &json!([{"id": "g1", "name": "edge"}]))),
    });
    let found = GATEWAYS.create(gateway_spec(Some("edge"))).unwrap();
    assert_eq!(found.id, "g1");
    assert_eq!(
        testing::requests(BASE),
        ["POST /gateways", "GET /gateways"],
        "one create, one list, and no second create"
    );
    assert!(
        testing::logs()
            .iter()
            .any(|(_, line)| line.contains("unknown outcome"))
    );

    // Not there: the original error, saying what was looked for.
    let err = GATEWAYS.create(gateway_spec(Some("core"))).unwrap_err();
    assert!(matches!(err, Error::Host(_)));
    assert!(err.message().contains("did not find it"), "{err:?}");

    // Names need not be unique: the only one with the name is it.
    let found = ANONYMOUS.create(gateway_spec(Some("edge"))).unwrap();
    assert_eq!(found.id, "g1");

    // No name and no key derived from the input: nothing is looked up, and the error says so.
    let before = testing::sent().len();
    let err = ANONYMOUS.create(gateway_spec(None)).unwrap_err();
    assert!(err.message().contains("no natural key"), "{err:?}");
    assert_eq!(testing::sent().len(), before + 1);

    // An ordinary failure is not reconciled.
    let before = testing::sent().len();
    let _host = testing::mock_http(|_| Ok(json_response(409, &json!({"message": "exists"}))));
    let err = GATEWAYS.create(gateway_spec(Some("edge"))).unwrap_err();
    assert!(matches!(err, Error::Conflict(_)));
    assert_eq!(testing::sent().len(), before + 1);
}

#[test]
fn a_create_named_by_its_input_is_reconciled_with_get() {
    let _host = testing::mock_http(|request| match request.method.as_str() {
        "POST" => Err(testing::lost_response()),
        _ => Ok(json_response(200, &json!({"id": "198.51.100.7"}))),
    });
    let found = PEERS.create(peer_spec()).unwrap();
    assert_eq!(found.id, "198.51.100.7");
    assert_eq!(found.parent_id.as_deref(), Some("g1"));
    assert_eq!(
        testing::requests(BASE),
        ["POST /peers", "GET /peers/198.51.100.7"]
    );
}

#[test]
fn a_delete_whose_outcome_is_unknown_is_checked_with_get() {
    let _host =
        testing::mock_http(
            |request| match (request.method.as_str(), request.url.as_str()) {
                ("DELETE", _) => Err(testing::lost_response()),
                (_, url) if url.ends_with("/gone") => Ok(json_response(404, &json!({}))),
                (_, url) if url.ends_with("/going") => Ok(json_response(
                    200,
                    &json!({"id": "going", "deleting": true}),
                )),
                _ => Ok(json_response(200, &json!({"id": "still"}))),
            },
        );
    GATEWAYS.delete(locator("gone", None, None)).unwrap();
    GATEWAYS.delete(locator("going", None, None)).unwrap();
    let err = GATEWAYS.delete(locator("still", None, None)).unwrap_err();
    assert!(err.message().contains("still exists"), "{err:?}");
    let err = ANONYMOUS.delete(locator("x", None, None)).unwrap_err();
    assert!(err.message().contains("check whether"), "{err:?}");
    assert_eq!(
        testing::requests(BASE),
        [
            "DELETE /gateways/gone",
            "GET /gateways/gone",
            "DELETE /gateways/going",
            "GET /gateways/going",
            "DELETE /gateways/still",
            "GET /gateways/still",
            "DELETE /gateways/x",
        ]
    );
}
