//! The reflecting endpoint `POST /_reflect/{anything}`: every string field answered back in
//! each altered form, in the body, the `x-reflect` header and a `?fail=1` error message; and,
//! unlike the admin endpoints, recorded and faulted like a provider request.

use std::sync::Arc;

use portico_emulator::{Config, Emulator, FaultRule, REFLECT_FORMS};
use serde_json::{Value, json};

const SECRET: &str = "AbCdEf0123+/xyz-Secret_789";

fn client() -> reqwest::Client {
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let tls = rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .expect("TLS versions")
        .with_root_certificates(rustls::RootCertStore::empty())
        .with_no_client_auth();
    reqwest::Client::builder()
        .tls_backend_preconfigured(tls)
        .build()
        .expect("client")
}

/// Status, `x-reflect` header and body of one reflect call.
async fn reflect(
    emu: &Emulator,
    path_and_query: &str,
    body: &str,
) -> (u16, Option<String>, String) {
    let reply = client()
        .post(format!("{}{path_and_query}", emu.url()))
        .header("content-type", "application/json")
        .body(body.to_owned())
        .send()
        .await
        .expect("reflect");
    let status = reply.status().as_u16();
    let header = reply.headers().get("x-reflect");
    let header = header.map(|h| String::from_utf8_lossy(h.as_bytes()).into_owned());
    (status, header, reply.text().await.expect("body"))
}

#[tokio::test]
async fn every_string_field_comes_back_in_every_form() {
    let emu = Emulator::start(Config::default()).await.expect("start");
    let body = json!({ "auth": { "psk": SECRET }, "names": ["ab", 7], "count": 3 });
    let (status, header, text) = reflect(&emu, "/_reflect/tunnels/x", &body.to_string()).await;
    assert_eq!(status, 200, "{text}");
    let reply: Value = serde_json::from_str(&text).expect("JSON");
    let fields = reply["fields"].as_object().expect("fields");
    let pointers: Vec<&str> = fields.keys().map(String::as_str).collect();
    assert_eq!(pointers, ["/auth/psk", "/names/0"]);

    let forms = &fields["/auth/psk"];
    let names: Vec<&str> = forms
        .as_object()
        .expect("forms")
        .keys()
        .map(String::as_str)
        .collect();
    assert_eq!(names, REFLECT_FORMS);
    let expected = json!({
        "upper": "ABCDEF0123+/XYZ-SECRET_789",
        "lower": "abcdef0123+/xyz-secret_789",
        "first_half": "AbCdEf0123+/x",
        "second_half": "yz-Secret_789",
        "base64": "QWJDZEVmMDEyMysveHl6LVNlY3JldF83ODk=",
        "base64_nopad": "QWJDZEVmMDEyMysveHl6LVNlY3JldF83ODk",
        "base64url": "QWJDZEVmMDEyMysveHl6LVNlY3JldF83ODk=",
        "base64url_nopad": "QWJDZEVmMDEyMysveHl6LVNlY3JldF83ODk",
        "hex": "416243644566303132332b2f78797a2d5365637265745f373839",
        "hex_upper": "416243644566303132332B2F78797A2D5365637265745F373839",
        "percent": "AbCdEf0123%2B%2Fxyz-Secret_789",
        "reversed": "987_terceS-zyx/+3210fEdCbA",
        "slice8": "3+/xyz-S",
    });
    assert_eq!(forms, &expected);
    assert_eq!(fields["/names/0"]["reversed"], "ba");
    assert_eq!(
        header.as_deref(),
        Some("ABCDEF0123+/XYZ-SECRET_789"),
        "upper by default"
    );
    for (name, form) in expected.as_object().expect("forms") {
        assert_ne!(form, SECRET, "{name} is altered");
    }

    let recorded = emu.requests();
    assert_eq!(recorded.len(), 1, "reflect calls are recorded");
    assert_eq!(recorded[0].path, "/_reflect/tunnels/x");
    assert!(recorded[0].body.contains(SECRET));
}

#[tokio::test]
async fn base64_alphabets_and_padding_differ_where_they_should() {
    let emu = Emulator::start(Config::default()).await.expect("start");
    let forms = |value: &str| {
        let body = json!({ "k": value }).to_string();
        let emu = &emu;
        async move {
            let (status, header, text) = reflect(emu, "/_reflect/k", &body).await;
            assert_eq!(status, 200, "{text}");
            let reply: Value = serde_json::from_str(&text).expect("JSON");
            (header, reply["fields"]["/k"].clone())
        }
    };
    let (_, alphabet) = forms("\u{3ff}\u{3ff}\u{3ff}").await;
    assert_eq!(alphabet["base64"], "z7/Pv8+/");
    assert_eq!(alphabet["base64url"], "z7_Pv8-_");
    let (header, padded) = forms("\u{fb}\u{ff}?").await;
    assert_eq!(padded["base64"], "w7vDvz8=");
    assert_eq!(padded["base64_nopad"], "w7vDvz8");
    assert_eq!(padded["upper"], "\u{db}\u{178}?");
    assert_eq!(
        header.as_deref(),
        Some("\u{db}\u{178}?"),
        "sent as raw UTF-8"
    );
}

#[tokio::test]
async fn the_header_and_the_error_message_quote_the_chosen_form() {
    let emu = Emulator::start(Config::default()).await.expect("start");
    let body = json!({ "name": "gw", "key": SECRET }).to_string();
    let (status, header, _) = reflect(&emu, "/_reflect/x?form=reversed&pointer=/key", &body).await;
    assert_eq!(
        (status, header.as_deref()),
        (200, Some("987_terceS-zyx/+3210fEdCbA"))
    );

    let (status, header, text) = reflect(&emu, "/_reflect/x?fail=1&pointer=/key", &body).await;
    assert_eq!(status, 400);
    assert_eq!(
        text,
        "invalid key 'ABCDEF0123+/XYZ-SECRET_789' (starts with AbCdEf01...)"
    );
    assert_eq!(header.as_deref(), Some("ABCDEF0123+/XYZ-SECRET_789"));
    let (status, _, text) = reflect(&emu, "/_reflect/x?fail=1&form=hex", &body).await;
    assert_eq!(
        (status, text.as_str()),
        (400, "invalid key '6777' (starts with gw...)")
    );

    for (query, needle) in [
        ("?form=rot13", "unknown form \"rot13\""),
        (
            "?pointer=/missing",
            "no string field at pointer \"/missing\"",
        ),
    ] {
        let (status, _, text) = reflect(&emu, &format!("/_reflect/x{query}"), &body).await;
        assert_eq!(status, 400, "{query}");
        assert!(text.contains(needle), "{query}: {text}");
    }
    let (status, _, text) = reflect(&emu, "/_reflect/x", "not json").await;
    assert_eq!(status, 400);
    assert!(text.starts_with("body is not JSON"), "{text}");
    let (status, header, text) = reflect(&emu, "/_reflect/x?fail=1", "{\"n\": 1}").await;
    assert_eq!((status, header), (400, None));
    assert_eq!(text, "invalid request (no string field to reflect)");
}

#[tokio::test]
async fn reflect_calls_are_faulted_like_provider_requests() {
    let emu = Emulator::start(Config::default()).await.expect("start");
    emu.add_fault(FaultRule::status("/_reflect", 503));
    let body = json!({ "k": SECRET }).to_string();
    let (status, _, text) = reflect(&emu, "/_reflect/a", &body).await;
    assert_eq!(status, 503, "{text}");
    emu.add_fault(FaultRule::lose_response("/_reflect"));
    let lost = client()
        .post(format!("{}/_reflect/a", emu.url()))
        .body(body.clone())
        .send()
        .await;
    assert!(lost.is_err(), "{lost:?}");
    assert_eq!(reflect(&emu, "/_reflect/a", &body).await.0, 200);
    assert_eq!(emu.requests().len(), 3);
}
