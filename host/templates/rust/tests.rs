//! Unit tests with the SDK's fake host: `cargo test --target host-tuple`.

use portico_adapter_sdk::serde_json::json;
use portico_adapter_sdk::testing::{self, Step};
use portico_adapter_sdk::{GatewaySpec, Locator, State};

use crate::{{type}};

const BASE: &str = "http://toy.test/toy/v1";

#[test]
fn create_get_delete_send_what_toy_vpn_expects() {
    let adapter = {{type}}::ADAPTER;
    assert_eq!(testing::assert_examples(&adapter), 1);
    let gateway = json!({"id": "g1", "name": "example", "state": "provisioning"});
    let gone = json!({"error": {"code": "not_found", "message": "no gateway g1"}});
    // Each request must name the `api` credential and set no credential header itself.
    let _host = testing::fake_api(BASE, Some("api"), move |method, _, _| match method {
        "DELETE" => testing::json_response(404, &gone),
        _ => testing::json_response(200, &gateway),
    });
    testing::set_config("endpoint", "http://toy.test");
    let example = &adapter.describe().examples[0];
    let spec = testing::example_spec::<GatewaySpec>(example, Step::Create, None);
    let created = adapter.gateways.create(spec).unwrap();
    assert_eq!(created.state, State::Provisioning);
    let body = json!({"name": "example", "networks": ["10.10.0.0/24"]});
    assert_eq!(testing::body_of(0), body);
    let target = Locator {
        id: created.id,
        parent_id: None,
        kind: None,
    };
    assert_eq!(adapter.gateways.get(target.clone()).unwrap().id, "g1");
    let err = adapter.gateways.delete(target).unwrap_err();
    let code = err.problem().and_then(|p| p.code.clone());
    assert_eq!(code.as_deref(), Some("not_found"));
    let sent = "POST /gateways, GET /gateways/g1, DELETE /gateways/g1";
    assert_eq!(testing::requests(BASE).join(", "), sent);
}
