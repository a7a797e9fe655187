//! `/v1/auth`, token switches, error bodies, reset and the binary's flags.

use super::napter::napter_by_sim;
use super::*;

#[tokio::test]
async fn auth_issues_pairs_and_every_call_needs_both_headers() {
    let emu = start(Config::default()).await;
    let wrong = json!({ "authKeyId": emu.config().soracom_auth_key_id, "authKey": "secret-nope" });
    auth(&emu, wrong).await.error(401);
    auth(&emu, json!({ "email": "a@example.com", "password": "x" }))
        .await
        .error(401);
    let mut too_long = good_key(&emu);
    too_long["tokenTimeoutSeconds"] = 172_801.into();
    auth(&emu, too_long).await.error(400);
    auth(&emu, json!("not an object")).await.error(400);

    let reply = auth(&emu, good_key(&emu)).await;
    assert_eq!(reply.status, 200, "{}", reply.body);
    let body = reply.json();
    assert!(
        body["apiKey"]
            .as_str()
            .is_some_and(|k| k.starts_with("api-"))
    );
    assert!(body["token"].as_str().is_some_and(|t| t.len() >= 64));
    assert_eq!(body["operatorId"], emu.soracom_operator_id());
    assert!(emu.soracom_operator_id().starts_with("OP00"));
    assert!(body["userName"].is_null());
    let (key, token) = (
        body["apiKey"].as_str().unwrap_or_default(),
        body["token"].as_str().unwrap_or_default(),
    );

    let path = "/v1/virtual_private_gateways";
    let cases: [&[(&str, &str)]; 4] = [
        &[],
        &[("X-Soracom-API-Key", key)],
        &[("X-Soracom-Token", token)],
        &[("X-Soracom-API-Key", key), ("X-Soracom-Token", "wrong")],
    ];
    for headers in cases {
        raw(&emu, "GET", path, headers, "").await.error(401);
    }
    let good = [("X-Soracom-API-Key", key), ("X-Soracom-Token", token)];
    let reply = raw(&emu, "GET", path, &good, "").await;
    assert_eq!(reply.status, 200, "{}", reply.body);
    assert_eq!(reply.json(), json!([]));

    let auths = emu
        .requests()
        .iter()
        .filter(|r| r.method == "POST" && r.path == "/v1/auth")
        .count();
    assert_eq!(auths, 5);
}

#[tokio::test]
async fn tokens_expire_on_the_emulator_clock_and_logout_revokes() {
    let emu = start(Config::default()).await;
    let mut short = good_key(&emu);
    short["tokenTimeoutSeconds"] = 60.into();
    let short = Api::login_with(&emu, short).await;
    let long = Api::login(&emu).await;
    assert_eq!(short.get("/port_mappings").await.status, 200);
    emu.advance_clock(Duration::from_secs(61));
    short.get("/port_mappings").await.error(401);
    assert_eq!(long.get("/port_mappings").await.status, 200);
    emu.advance_clock(Duration::from_secs(86_400));
    long.get("/port_mappings").await.error(401);

    let api = Api::login(&emu).await;
    api.post_empty("/auth/logout").await.empty(204);
    api.get("/port_mappings").await.error(401);
}

#[tokio::test]
async fn expire_switch_revokes_every_issued_token() {
    let emu = start(Config::default()).await;
    let first = Api::login(&emu).await;
    let second = Api::login(&emu).await;
    emu.expire_soracom_tokens();
    first.get("/port_mappings").await.error(401);
    second.get("/port_mappings").await.error(401);
    let fresh = Api::login(&emu).await;
    assert_eq!(fresh.get("/port_mappings").await.status, 200);

    // The same switch over the admin endpoint.
    let reply = raw(&emu, "POST", "/_emulator/soracom/expire_tokens", &[], "").await;
    assert_eq!(reply.status, 204);
    fresh.get("/port_mappings").await.error(401);
}

#[tokio::test]
async fn uses_switch_expires_new_tokens_after_n_requests() {
    let emu = start(Config::default()).await;
    let before = Api::login(&emu).await;
    emu.set_soracom_token_uses(Some(2));
    let limited = Api::login(&emu).await;
    assert_eq!(limited.get("/port_mappings").await.status, 200);
    assert_eq!(limited.get("/virtual_private_gateways").await.status, 200);
    limited.get("/port_mappings").await.error(401);
    for _ in 0..3 {
        assert_eq!(before.get("/port_mappings").await.status, 200);
    }

    let set = raw(
        &emu,
        "PUT",
        "/_emulator/soracom/token_uses",
        &[],
        r#"{"uses": 1}"#,
    )
    .await;
    assert_eq!(set.json(), json!({ "uses": 1 }));
    let once = Api::login(&emu).await;
    assert_eq!(once.get("/port_mappings").await.status, 200);
    once.get("/port_mappings").await.error(401);
    emu.set_soracom_token_uses(None);
    let unlimited = Api::login(&emu).await;
    for _ in 0..3 {
        assert_eq!(unlimited.get("/port_mappings").await.status, 200);
    }
    let auths = emu
        .requests()
        .iter()
        .filter(|r| r.path == "/v1/auth")
        .count();
    assert_eq!(auths, 4);
}

#[tokio::test]
async fn errors_use_the_soracom_dialect() {
    let emu = start(Config::default()).await;
    let api = Api::login(&emu).await;
    api.get("/no_such_thing").await.error(404);
    api.delete("/virtual_private_gateways").await.error(405);
    let message = api.get("/virtual_private_gateways/nope").await.error(404);
    assert!(message.contains("nope"), "{message}");
    emu.add_fault(FaultRule::status("/v1/port_mappings", 503));
    api.get("/port_mappings").await.error(503);
    assert_eq!(api.get("/port_mappings").await.status, 200);
}

#[tokio::test]
async fn reset_clears_resources_but_keeps_credentials() {
    let emu = start(Config::default()).await;
    let api = Api::login(&emu).await;
    api.create_vpg(json!({ "type": 14 })).await;
    assert_eq!(
        api.post("/port_mappings", &napter_by_sim("s1"))
            .await
            .status,
        201
    );
    emu.set_soracom_token_uses(Some(1));
    emu.reset();
    assert_eq!(api.get("/virtual_private_gateways").await.json(), json!([]));
    assert_eq!(api.get("/port_mappings").await.json(), json!([]));
    let after = Api::login(&emu).await;
    for _ in 0..2 {
        assert_eq!(after.get("/port_mappings").await.status, 200);
    }
}

#[test]
fn binary_accepts_and_announces_soracom_keys() {
    use std::io::{BufRead as _, BufReader};
    use std::process::{Command, Stdio};

    let mut child = Command::new(env!("CARGO_BIN_EXE_portico-emulator"))
        .args([
            "--listen",
            "127.0.0.1:0",
            "--soracom-auth-key-id",
            "keyId-demo",
            "--soracom-auth-key",
            "secret-demo",
        ])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("spawn emulator");
    let stdout = BufReader::new(child.stdout.take().expect("stdout"));
    let (send, receive) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        for line in stdout.lines().map_while(Result::ok) {
            if send.send(line).is_err() {
                break;
            }
        }
    });
    let mut lines = Vec::new();
    // A bounded wait, so a binary that never announces the keys fails instead of hanging.
    while let Ok(line) = receive.recv_timeout(Duration::from_secs(20)) {
        let last = line.starts_with("soracom auth key:");
        lines.push(line);
        if last {
            break;
        }
    }
    let _ = child.kill();
    let _ = child.wait();
    assert!(
        lines[0].starts_with("listening on http://127.0.0.1:"),
        "{lines:?}"
    );
    assert!(
        lines.contains(&"soracom auth key id: keyId-demo".to_owned()),
        "{lines:?}"
    );
    assert_eq!(
        lines.last().map(String::as_str),
        Some("soracom auth key: secret-demo")
    );
}
