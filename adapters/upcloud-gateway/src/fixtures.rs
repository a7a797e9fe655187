//! Fixture tests: for every interaction of the recorded UpCloud gateway traffic there is a
//! fixture under `tests/fixtures/` (written for this adapter, with its own ids and values, in
//! the shapes the recordings show). Each test drives the adapter the way a user would (a noun
//! where one fits, the operation catalogue otherwise), checks that it sends the fixture's
//! method, path and body fields, answers with the fixture's response, and checks how the
//! adapter decodes it. Every fixture interaction must be used.
//!
//! The recordings also create and delete the SDN router the gateway attaches to
//! (`/1.3/router`); that is UpCloud's network API, not part of the gateway API this adapter
//! drives, so those interactions have no fixture.

use std::cell::RefCell;
use std::collections::BTreeSet;

use portico_adapter_sdk::serde_json::{self, Value, json};
use portico_adapter_sdk::testing::{self, MockGuard, empty_response, json_response};
use portico_adapter_sdk::{GatewaySpec, Locator, Page, Query, SecretInput, State, TunnelSpec};

use crate::UpcloudGateway;
use crate::gateways::GATEWAYS;
use crate::tunnels::TUNNELS;

const ORIGIN: &str = "https://api.upcloud.com";
const PSK: &str = "{{secret:pre-shared-key}}";

/// One fixture file: named request/response interactions.
struct Fixture {
    file: &'static str,
    doc: Value,
    used: RefCell<BTreeSet<String>>,
}

/// One interaction of a fixture.
#[derive(Clone)]
struct Interaction {
    name: String,
    method: String,
    path: String,
    body: Option<Value>,
    status: u16,
    response: Option<Value>,
}

impl Fixture {
    fn load(file: &'static str) -> Self {
        let text = match file {
            "gateway-nat.json" => include_str!("../tests/fixtures/gateway-nat.json"),
            "gateway-vpn.json" => include_str!("../tests/fixtures/gateway-vpn.json"),
            "connections.json" => include_str!("../tests/fixtures/connections.json"),
            "connection-tunnels.json" => include_str!("../tests/fixtures/connection-tunnels.json"),
            other => panic!("no fixture {other}"),
        };
        Fixture {
            file,
            doc: serde_json::from_str(text).expect("fixture is JSON"),
            used: RefCell::default(),
        }
    }

    fn take(&self, name: &str) -> Interaction {
        let item = &self.doc["interactions"][name];
        assert!(item.is_object(), "{}: no interaction {name}", self.file);
        self.used.borrow_mut().insert(name.to_owned());
        Interaction {
            name: format!("{}#{name}", self.file),
            method: item["request"]["method"].as_str().unwrap().to_owned(),
            path: item["request"]["path"].as_str().unwrap().to_owned(),
            body: item["request"].get("body").cloned(),
            status: u16::try_from(item["response"]["status"].as_u64().unwrap()).unwrap(),
            response: item["response"].get("body").cloned(),
        }
    }

    fn assert_all_used(&self) {
        let all: BTreeSet<String> = self.doc["interactions"]
            .as_object()
            .unwrap()
            .keys()
            .cloned()
            .collect();
        assert_eq!(
            *self.used.borrow(),
            all,
            "{}: unused interactions",
            self.file
        );
    }
}

impl Interaction {
    /// Answer the one request the adapter is expected to send with this interaction's response.
    fn serve(&self) -> MockGuard {
        testing::reset();
        let (status, response) = (self.status, self.response.clone());
        testing::mock_http(move |_| {
            Ok(match &response {
                Some(body) => json_response(status, body),
                None => empty_response(status),
            })
        })
    }

    /// The adapter sent exactly this interaction's request: method, path, body fields, the
    /// `upcloud` credential, and no Authorization header of its own.
    fn assert_sent(&self) {
        let sent = testing::sent();
        assert_eq!(sent.len(), 1, "{}: {sent:?}", self.name);
        let request = &sent[0];
        assert_eq!(request.method.as_str(), self.method, "{}", self.name);
        assert_eq!(
            request.url.strip_prefix(ORIGIN),
            Some(self.path.as_str()),
            "{}",
            self.name
        );
        assert_eq!(
            request.credential.as_deref(),
            Some("upcloud"),
            "{}",
            self.name
        );
        assert!(
            !request
                .headers
                .iter()
                .any(|(n, _)| n.eq_ignore_ascii_case("authorization")),
            "{}",
            self.name
        );
        let body = request
            .body
            .as_deref()
            .map(|b| serde_json::from_slice::<Value>(b).expect("request body is JSON"));
        assert_eq!(body, self.body, "{}: request body", self.name);
        if body.is_some() {
            assert!(
                request
                    .headers
                    .contains(&("Content-Type".into(), "application/json".into())),
                "{}",
                self.name
            );
        }
    }

    /// Run `call` against this interaction and check what was sent.
    fn run<T>(&self, call: impl FnOnce() -> T) -> T {
        let _host = self.serve();
        let out = call();
        self.assert_sent();
        out
    }

    /// The request body with every tunnel's pre-shared key removed: what a user writes in
    /// `properties` when the key comes from the `pre-shared-key` secret input.
    fn body_without_keys(&self) -> Value {
        let mut body = self.body.clone().expect("a request body");
        strip_keys(&mut body);
        body
    }
}

fn strip_keys(value: &mut Value) {
    match value {
        Value::Object(map) => {
            if map.get("psk").and_then(Value::as_str) == Some(PSK) {
                map.remove("psk");
            }
            map.values_mut().for_each(strip_keys);
        }
        Value::Array(items) => items.iter_mut().for_each(strip_keys),
        _ => {}
    }
}

fn psk() -> Vec<SecretInput> {
    vec![SecretInput {
        name: "pre-shared-key".into(),
        placeholder: PSK.into(),
    }]
}

fn locator(id: &str, parent: Option<&str>) -> Locator {
    Locator {
        id: id.to_owned(),
        parent_id: parent.map(str::to_owned),
        kind: None,
    }
}

fn gateway_spec(kind: Option<&str>, name: Option<&str>, properties: Value) -> GatewaySpec {
    GatewaySpec {
        kind: kind.map(str::to_owned),
        name: name.map(str::to_owned),
        description: None,
        public_address: None,
        networks: Vec::new(),
        labels: Vec::new(),
        clear: Vec::new(),
        properties: properties.to_string(),
        secrets: Vec::new(),
    }
}

fn tunnel_spec(gateway: &str) -> TunnelSpec {
    TunnelSpec {
        kind: None,
        parent_id: Some(gateway.to_owned()),
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

/// `body` without `keys`.
fn without(body: &Value, keys: &[&str]) -> Value {
    let mut out = body.clone();
    if let Some(map) = out.as_object_mut() {
        for key in keys {
            map.remove(*key);
        }
    }
    out
}

fn networks(routes: &Value) -> Vec<String> {
    routes
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["static_network"].as_str().unwrap().to_owned())
        .collect()
}

fn invoke(
    name: &str,
    params: &[(&str, &str)],
    body: Option<&Value>,
    secrets: Vec<SecretInput>,
) -> portico_adapter_sdk::Outcome {
    UpcloudGateway::ADAPTER
        .operations
        .invoke(
            name.to_owned(),
            params
                .iter()
                .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
                .collect(),
            body.map(Value::to_string),
            None,
            secrets,
        )
        .unwrap()
}

fn outcome_body(outcome: &portico_adapter_sdk::Outcome) -> Option<Value> {
    outcome
        .body
        .as_ref()
        .map(|b| serde_json::from_str(b.as_str()).expect("outcome body is JSON"))
}

/// The UUID at the end of a fixture path.
fn last_segment(path: &str) -> String {
    path.rsplit('/').next().unwrap().to_owned()
}

#[test]
fn nat_gateway_lifecycle() {
    let fx = Fixture::load("gateway-nat.json");

    let create = fx.take("create");
    let sent = create.body.clone().unwrap();
    let properties = json!({"zone": sent["zone"], "routers": sent["routers"]});
    let name = sent["name"].as_str();
    let gw = create
        .run(|| GATEWAYS.create(gateway_spec(Some("nat"), name, properties)))
        .unwrap();
    let response = create.response.unwrap();
    let id = response["uuid"].as_str().unwrap();
    assert_eq!(gw.id, id);
    assert_eq!(gw.kind, "nat");
    assert_eq!(gw.name.as_deref(), name);
    assert_eq!(
        (gw.state, gw.provider_state.as_str()),
        (State::Provisioning, "pending")
    );
    assert!(gw.public_addresses.is_empty());
    assert_eq!(serde_json::from_str::<Value>(&gw.raw).unwrap(), response);

    let get = fx.take("get");
    let gw = get.run(|| GATEWAYS.get(locator(id, None))).unwrap();
    assert_eq!(
        (gw.state, gw.provider_state.as_str()),
        (State::Available, "running")
    );
    assert_eq!(
        gw.public_addresses,
        [get.response.as_ref().unwrap()["addresses"][0]["address"]
            .as_str()
            .unwrap()]
    );

    let modify = fx.take("modify");
    let sent = modify.body.clone().unwrap();
    let spec = gateway_spec(
        None,
        sent["name"].as_str(),
        json!({"configured_status": sent["configured_status"]}),
    );
    let gw = modify
        .run(|| GATEWAYS.update(locator(id, None), spec))
        .unwrap();
    assert_eq!(gw.name.as_deref(), sent["name"].as_str());
    assert_eq!(
        (gw.state, gw.provider_state.as_str()),
        (State::Updating, "pending")
    );

    let delete = fx.take("delete");
    delete.run(|| GATEWAYS.delete(locator(id, None))).unwrap();
    fx.assert_all_used();
}

#[test]
fn vpn_gateway_with_inline_connections() {
    let fx = Fixture::load("gateway-vpn.json");

    let plans = fx.take("plans");
    let outcome = plans.run(|| invoke("GetGatewayPlans", &[], None, vec![]));
    assert_eq!(outcome.status, 200);
    let body = outcome_body(&outcome).unwrap();
    assert_eq!(Some(&body), plans.response.as_ref());
    let vpn_plans: Vec<&str> = body
        .as_array()
        .unwrap()
        .iter()
        .filter(|p| {
            p["supported_features"]
                .as_array()
                .unwrap()
                .contains(&json!("vpn"))
        })
        .map(|p| p["name"].as_str().unwrap())
        .collect();
    assert_eq!(vpn_plans, ["advanced", "production"]);

    let create = fx.take("create");
    let properties = without(
        &create.body_without_keys(),
        &["name", "features", "configured_status"],
    );
    let name = create.body.as_ref().unwrap()["name"].as_str();
    let spec = GatewaySpec {
        secrets: psk(),
        ..gateway_spec(Some("vpn"), name, properties)
    };
    let gw = create.run(|| GATEWAYS.create(spec)).unwrap();
    let response = create.response.clone().unwrap();
    let id = response["uuid"].as_str().unwrap();
    assert_eq!(gw.kind, "vpn");
    assert_eq!(gw.state, State::Provisioning);
    assert_eq!(
        gw.networks,
        networks(&response["connections"][0]["local_routes"])
    );
    // The key never comes back: the connection's tunnel shows only the method.
    assert_eq!(
        response["connections"][0]["tunnels"][0]["ipsec"]["authentication"],
        json!({"authentication": "psk"})
    );

    let rename = fx.take("rename");
    let name = rename.body.as_ref().unwrap()["name"].as_str();
    let gw = rename
        .run(|| GATEWAYS.update(locator(id, None), gateway_spec(None, name, json!({}))))
        .unwrap();
    assert_eq!(gw.name.as_deref(), name);
    assert_eq!(gw.state, State::Updating);

    let replace = fx.take("replace_connections");
    let spec = GatewaySpec {
        secrets: psk(),
        ..gateway_spec(None, None, replace.body_without_keys())
    };
    let gw = replace
        .run(|| GATEWAYS.update(locator(id, None), spec))
        .unwrap();
    let response = replace.response.clone().unwrap();
    assert_eq!(
        gw.networks,
        networks(&response["connections"][0]["local_routes"])
    );
    let raw: Value = serde_json::from_str(&gw.raw).unwrap();
    assert_eq!(raw["connections"].as_array().unwrap().len(), 1);

    let delete = fx.take("delete");
    delete.run(|| GATEWAYS.delete(locator(id, None))).unwrap();
    fx.assert_all_used();
}

#[test]
fn vpn_connections_through_the_tunnel_noun() {
    let fx = Fixture::load("connections.json");

    let create_gateway = fx.take("create_gateway");
    let sent = create_gateway.body.clone().unwrap();
    let properties = without(&sent, &["name", "features", "configured_status", "zone"]);
    let zone = sent["zone"].as_str().unwrap().to_owned();
    let gw = create_gateway
        .run(|| {
            // The zone comes from the profile this time.
            testing::set_config("zone", &zone);
            GATEWAYS.create(gateway_spec(Some("vpn"), sent["name"].as_str(), properties))
        })
        .unwrap();
    let gateway = gw.id.clone();
    assert!(gw.networks.is_empty());

    let create = fx.take("create");
    let sent = create.body.clone().unwrap();
    let spec = TunnelSpec {
        name: sent["name"].as_str().map(str::to_owned),
        local_networks: networks(&sent["local_routes"]),
        remote_networks: networks(&sent["remote_routes"]),
        properties: json!({"tunnels": create.body_without_keys()["tunnels"]}).to_string(),
        secrets: psk(),
        ..tunnel_spec(&gateway)
    };
    let tunnel = create.run(|| TUNNELS.create(spec)).unwrap();
    let response = create.response.clone().unwrap();
    let id = response["uuid"].as_str().unwrap();
    assert_eq!(tunnel.id, id);
    assert_eq!(tunnel.parent_id.as_deref(), Some(gateway.as_str()));
    assert_eq!(tunnel.kind, "ipsec");
    assert_eq!(tunnel.name.as_deref(), sent["name"].as_str());
    assert_eq!(
        (tunnel.state, tunnel.provider_state.as_str()),
        (State::Inactive, "idle")
    );
    assert_eq!(
        tunnel.remote_address.as_deref(),
        response["tunnels"][0]["remote_address"]["address"].as_str()
    );
    assert_eq!(tunnel.local_networks, networks(&response["local_routes"]));
    assert_eq!(tunnel.remote_networks, networks(&response["remote_routes"]));

    let list = fx.take("list");
    let page = list
        .run(|| {
            TUNNELS.list(Query {
                parent_id: Some(gateway.clone()),
                kind: Some("ipsec".into()),
                filters: Vec::new(),
                page: Page {
                    limit: None,
                    cursor: None,
                },
            })
        })
        .unwrap();
    assert_eq!(page.items.len(), 1);
    assert_eq!(page.items[0].id, id);
    assert_eq!(page.next, None);

    let get = fx.take("get");
    let got = get
        .run(|| TUNNELS.get(locator(id, Some(&gateway))))
        .unwrap();
    assert_eq!(
        serde_json::from_str::<Value>(&got.raw).unwrap(),
        get.response.unwrap()
    );

    let modify = fx.take("modify");
    let spec = TunnelSpec {
        properties: modify.body_without_keys().to_string(),
        secrets: psk(),
        parent_id: None,
        ..tunnel_spec(&gateway)
    };
    let updated = modify
        .run(|| TUNNELS.update(locator(id, Some(&gateway)), spec))
        .unwrap();
    let response = modify.response.clone().unwrap();
    assert_eq!(
        updated.remote_networks,
        networks(&response["remote_routes"])
    );
    let raw: Value = serde_json::from_str(&updated.raw).unwrap();
    assert_eq!(raw["tunnels"][0]["uuid"], response["tunnels"][0]["uuid"]);
    assert_eq!(raw["tunnels"][0]["name"], "dc-tunnel-renamed");

    let delete = fx.take("delete");
    delete
        .run(|| TUNNELS.delete(locator(id, Some(&gateway))))
        .unwrap();
    let delete_gateway = fx.take("delete_gateway");
    delete_gateway
        .run(|| GATEWAYS.delete(locator(&gateway, None)))
        .unwrap();
    fx.assert_all_used();
}

#[test]
fn connection_tunnels_through_the_catalogue() {
    let fx = Fixture::load("connection-tunnels.json");

    let create_gateway = fx.take("create_gateway");
    let sent = create_gateway.body.clone().unwrap();
    let properties = without(&sent, &["name", "features", "configured_status"]);
    let gw = create_gateway
        .run(|| GATEWAYS.create(gateway_spec(Some("vpn"), sent["name"].as_str(), properties)))
        .unwrap();
    let connection = create_gateway.response.as_ref().unwrap()["connections"][0]["uuid"]
        .as_str()
        .unwrap()
        .to_owned();
    // A connection without tunnels is inactive and serves its local routes.
    assert_eq!(
        gw.networks,
        networks(&sent["connections"][0]["local_routes"])
    );
    let params = [("uuid", gw.id.as_str()), ("conn_uuid", connection.as_str())];

    let list_empty = fx.take("list_empty");
    let outcome = list_empty.run(|| invoke("GetGatewayConnectionTunnels", &params, None, vec![]));
    assert_eq!(
        (outcome.status, outcome_body(&outcome)),
        (200, Some(json!([])))
    );

    let create = fx.take("create");
    let outcome = create.run(|| {
        invoke(
            "CreateGatewayConnectionTunnel",
            &params,
            create.body.as_ref(),
            psk(),
        )
    });
    assert_eq!(outcome.status, 201);
    assert_eq!(outcome_body(&outcome), create.response);
    let tunnel = create.response.as_ref().unwrap()["uuid"]
        .as_str()
        .unwrap()
        .to_owned();
    let one = [
        ("uuid", gw.id.as_str()),
        ("conn_uuid", connection.as_str()),
        ("tunnel_uuid", tunnel.as_str()),
    ];

    let list = fx.take("list");
    let outcome = list.run(|| invoke("GetGatewayConnectionTunnels", &params, None, vec![]));
    assert_eq!(outcome_body(&outcome), list.response);

    let get = fx.take("get");
    assert_eq!(last_segment(&get.path), tunnel);
    let outcome = get.run(|| invoke("GetGatewayConnectionTunnel", &one, None, vec![]));
    let body = outcome_body(&outcome).unwrap();
    assert_eq!(body["operational_state"], "idle");
    assert_eq!(Some(body), get.response);

    let modify = fx.take("modify");
    let outcome = modify.run(|| {
        invoke(
            "ModifyGatewayConnectionTunnel",
            &one,
            modify.body.as_ref(),
            psk(),
        )
    });
    let body = outcome_body(&outcome).unwrap();
    assert_eq!(body["name"], modify.body.as_ref().unwrap()["name"]);
    assert_eq!(body["uuid"], tunnel.as_str());

    let delete = fx.take("delete");
    let outcome = delete.run(|| invoke("DeleteGatewayConnectionTunnel", &one, None, vec![]));
    assert_eq!((outcome.status, outcome.body), (204, None));

    let delete_gateway = fx.take("delete_gateway");
    let outcome = delete_gateway.run(|| invoke("DeleteGateway", &params[..1], None, vec![]));
    assert_eq!(outcome.status, 204);
    fx.assert_all_used();
}
