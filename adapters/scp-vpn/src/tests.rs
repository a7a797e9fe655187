//! Flow tests of the nouns and the catalogue against a fake SCP API (the SDK's native test host),
//! with the host's signing faked by a real HMAC over the documented test key.

use portico_adapter_sdk::http::Response;
use portico_adapter_sdk::serde_json::{Value, json};
use portico_adapter_sdk::testing::{self, MockGuard, json_response};
use portico_adapter_sdk::{Locator, Method, credentials, cursor};

use crate::api::{self, ApiVersion, Identity};
use crate::gateways::GATEWAYS;

const HOST: &str = "https://vpn.kr-west1.s.samsungsdscloud.com";

/// A fake SCP API: the profile's credential has the documented test access key and secret.
fn fake(route: impl FnMut(&str, &str, Option<Value>) -> Response + 'static) -> MockGuard {
    testing::reset();
    testing::set_identity("scp", "access-key", "test-access-key");
    testing::set_signing_key("scp", "secret-key", "test-secret-key");
    testing::fake_api(HOST, None, route)
}

fn identity() -> Identity {
    Identity {
        access_key: "test-access-key".into(),
        account_id: String::new(),
    }
}

/// The signature the host computes for a request signed at `timestamp`, through the fake
/// `credentials.sign` (a real HMAC-SHA256 with the secret key the test set).
fn host_signature(request: portico_adapter_sdk::http::Request, timestamp: u128) -> String {
    let signed = api::sign(request, ApiVersion::V1_1, &identity(), timestamp).to_wire();
    let sign = &signed.signatures[0].sign;
    cursor::base64_encode(&credentials::sign(sign).unwrap())
}

#[test]
fn signatures_match_the_documented_vectors() {
    let _host = fake(|_, _, _| panic!("nothing is sent"));
    let api = portico_adapter_sdk::http::Api::new(HOST);
    let list = api
        .get("/v1/vpn-gateways")
        .query("page", "0")
        .query("size", "20");
    assert_eq!(
        host_signature(list, 1_605_290_625_682),
        "CKoCZ+nChIr8s7aEZh1R3e6j53y8goSGvLf7vX9TvrI="
    );
    let create = api.post("/v1/vpn-tunnels");
    assert_eq!(
        host_signature(create, 1_605_290_625_682),
        "4q3iNr4I7qiBJaI1F+myGnfQhb5CMRNYbW9i/brh7kI="
    );
    let signed = testing::signed();
    assert_eq!(signed.len(), 2);
    assert!(signed.iter().all(|s| s.field == "secret-key"));
}

#[test]
fn noun_requests_are_signed_last_and_the_header_value_is_the_hosts() {
    let _host = fake(|method, path, _| match (method, path) {
        ("GET", "/v1/vpn-gateways/g1") => json_response(
            200,
            &json!({"vpn_gateway": {"id": "g1", "name": "gw1", "ip_address": "123.0.0.1",
                "state": "ACTIVE"}}),
        ),
        other => panic!("unexpected {other:?}"),
    });
    let gateway = GATEWAYS
        .get(Locator {
            id: "g1".into(),
            parent_id: None,
            kind: None,
        })
        .unwrap();
    assert_eq!(gateway.public_addresses, ["123.0.0.1"]);
    let sent = &testing::sent()[0];
    assert_eq!(sent.method, Method::Get);
    assert_eq!(sent.credential, None);
    let header = |name: &str| {
        sent.headers
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.clone())
            .unwrap()
    };
    let timestamp = header("Scp-Timestamp");
    // The host fills Scp-Signature with Base64(HMAC(secret, message)); the fake computes it.
    let value = testing::signature_value(&sent.signatures[0]).unwrap();
    let message = format!("GET{HOST}/v1/vpn-gateways/g1{timestamp}test-access-keyOpenapi");
    assert_eq!(
        String::from_utf8(sent.signatures[0].sign.message.clone()).unwrap(),
        message
    );
    assert_eq!(value.len(), 44, "{value}");
}

mod contract;
