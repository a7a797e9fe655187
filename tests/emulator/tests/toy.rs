//! End-to-end tests of the made-up Toy VPN API (`/toy/v1`) over real loopback connections,
//! with a minimal HTTP/1.1 client of its own (the crate has no HTTP client dependency).

use std::time::Duration;

use portico_emulator::{Config, Emulator, FaultRule};
use serde_json::{Value, json};
use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};
use tokio::net::TcpStream;

#[derive(Debug)]
struct Reply {
    status: u16,
    headers: Vec<(String, String)>,
    body: Value,
}

impl Reply {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    /// The `(code, field)` of a Toy VPN error body, after checking its shape.
    fn error(&self) -> (String, Option<String>) {
        let error = &self.body["error"];
        assert!(error["message"].is_string(), "{self:?}");
        let code = error["code"].as_str().unwrap_or_else(|| panic!("{self:?}"));
        let field = error["field"].as_str().map(str::to_owned);
        (code.to_owned(), field)
    }
}

/// Sends one request on a fresh connection; `token` goes in `Authorization: Bearer`.
async fn send(emu: &Emulator, method: &str, path: &str, token: Option<&str>, body: &str) -> Reply {
    let mut stream = TcpStream::connect(emu.addr()).await.expect("connect");
    let auth = token
        .map(|t| format!("Authorization: Bearer {t}\r\n"))
        .unwrap_or_default();
    let request = format!(
        "{method} {path} HTTP/1.1\r\nHost: {}\r\nConnection: close\r\n{auth}\
         Content-Type: application/json\r\nContent-Length: {}\r\n\r\n{body}",
        emu.addr(),
        body.len()
    );
    stream.write_all(request.as_bytes()).await.expect("write");
    let mut bytes = Vec::new();
    stream.read_to_end(&mut bytes).await.expect("read");
    let text = String::from_utf8_lossy(&bytes);
    let (head, rest) = text.split_once("\r\n\r\n").expect("a response head");
    let mut lines = head.lines();
    let status = lines
        .next()
        .and_then(|l| l.split(' ').nth(1))
        .expect("status");
    let headers = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(k, v)| (k.trim().to_owned(), v.trim().to_owned()))
        .collect();
    Reply {
        status: status.parse().expect("numeric status"),
        headers,
        body: serde_json::from_str(rest).unwrap_or(Value::Null),
    }
}

/// A client with the emulator's token.
struct Toy {
    emu: Emulator,
}

impl Toy {
    async fn start(config: Config) -> Self {
        Toy {
            emu: Emulator::start(config).await.expect("emulator starts"),
        }
    }

    async fn call(&self, method: &str, path: &str, body: Option<Value>) -> Reply {
        let token = self.emu.config().toy_token.clone();
        let body = body.map(|b| b.to_string()).unwrap_or_default();
        send(
            &self.emu,
            method,
            &format!("/toy/v1{path}"),
            Some(&token),
            &body,
        )
        .await
    }

    async fn create(&self, name: &str) -> Value {
        let reply = self
            .call("POST", "/gateways", Some(json!({"name": name})))
            .await;
        assert_eq!(reply.status, 201, "{reply:?}");
        reply.body
    }
}

#[tokio::test]
async fn a_gateway_is_created_provisioned_changed_and_deleted() {
    let toy = Toy::start(Config {
        provision_delay: Duration::from_secs(60),
        delete_delay: Duration::from_secs(30),
        ..Config::default()
    })
    .await;
    let body = json!({"name": "edge-1", "region": "us-1", "networks": ["10.8.0.0/24"]});
    let created = toy.call("POST", "/gateways", Some(body)).await;
    assert_eq!(created.status, 201, "{created:?}");
    let gateway = created.body;
    let id = gateway["id"].as_str().unwrap().to_owned();
    assert!(id.starts_with("gw-"), "{gateway}");
    assert_eq!(gateway["state"], "provisioning");
    assert_eq!(gateway["region"], "us-1");
    assert_eq!(gateway["networks"], json!(["10.8.0.0/24"]));
    assert!(
        gateway["public_ip"]
            .as_str()
            .unwrap()
            .starts_with("203.0.113.")
    );
    assert!(gateway["created_at"].as_str().unwrap().ends_with('Z'));

    toy.emu.advance_clock(Duration::from_secs(61));
    let got = toy.call("GET", &format!("/gateways/{id}"), None).await;
    assert_eq!((got.status, &got.body["state"]), (200, &json!("available")));

    let change = json!({"name": "edge-2", "networks": []});
    let changed = toy
        .call("PATCH", &format!("/gateways/{id}"), Some(change))
        .await;
    assert_eq!(changed.status, 200, "{changed:?}");
    assert_eq!(changed.body["state"], "updating");
    assert_eq!(changed.body["name"], "edge-2");
    assert_eq!(changed.body["networks"], json!([]));
    assert_eq!(changed.body["region"], "us-1", "kept");
    toy.emu.advance_clock(Duration::from_secs(61));

    let deleted = toy.call("DELETE", &format!("/gateways/{id}"), None).await;
    assert_eq!(
        (deleted.status, &deleted.body["state"]),
        (202, &json!("deleting"))
    );
    let during = toy.call("GET", &format!("/gateways/{id}"), None).await;
    assert_eq!(during.body["state"], "deleting");
    let busy = toy
        .call(
            "PATCH",
            &format!("/gateways/{id}"),
            Some(json!({"name": "x"})),
        )
        .await;
    assert_eq!((busy.status, busy.error().0.as_str()), (409, "conflict"));
    toy.emu.advance_clock(Duration::from_secs(31));
    let gone = toy.call("GET", &format!("/gateways/{id}"), None).await;
    assert_eq!((gone.status, gone.error().0.as_str()), (404, "not_found"));
    let again = toy.call("DELETE", &format!("/gateways/{id}"), None).await;
    assert_eq!(again.status, 404);
}

#[tokio::test]
async fn lists_page_with_an_opaque_cursor() {
    let toy = Toy::start(Config::default()).await;
    for n in 0..5 {
        toy.create(&format!("gw-{n}")).await;
    }
    let mut names = Vec::new();
    let mut path = "/gateways?limit=2".to_owned();
    let mut pages = 0;
    loop {
        let page = toy.call("GET", &path, None).await;
        assert_eq!(page.status, 200, "{page:?}");
        pages += 1;
        for g in page.body["gateways"].as_array().unwrap() {
            names.push(g["name"].as_str().unwrap().to_owned());
        }
        match page.body["next_cursor"].as_str() {
            Some(cursor) => path = format!("/gateways?limit=2&cursor={cursor}"),
            None => break,
        }
    }
    assert_eq!(pages, 3);
    assert_eq!(names, ["gw-0", "gw-1", "gw-2", "gw-3", "gw-4"]);
    let all = toy.call("GET", "/gateways", None).await;
    assert_eq!(all.body["gateways"].as_array().unwrap().len(), 5);
    assert_eq!(all.body["next_cursor"], Value::Null);
    for (query, field) in [
        ("limit=0", "limit"),
        ("limit=101", "limit"),
        ("limit=ten", "limit"),
        ("cursor=garbage", "cursor"),
    ] {
        let bad = toy.call("GET", &format!("/gateways?{query}"), None).await;
        assert_eq!(bad.status, 422, "{query}: {bad:?}");
        assert_eq!(
            bad.error(),
            ("invalid".into(), Some(field.into())),
            "{query}"
        );
    }
}

#[tokio::test]
async fn bad_input_names_its_field_and_names_are_unique() {
    let toy = Toy::start(Config::default()).await;
    for (body, field) in [
        (json!({}), "name"),
        (json!({"name": "Upper"}), "name"),
        (json!({"name": "ok", "region": "mars"}), "region"),
        (
            json!({"name": "ok", "networks": ["10.0.0.0/40"]}),
            "networks",
        ),
        (json!({"name": "ok", "networks": "10.0.0.0/8"}), "networks"),
        (json!({"name": "ok", "colour": "red"}), "body"),
    ] {
        let reply = toy.call("POST", "/gateways", Some(body.clone())).await;
        assert_eq!(reply.status, 422, "{body}: {reply:?}");
        assert_eq!(
            reply.error(),
            ("invalid".into(), Some(field.into())),
            "{body}"
        );
    }
    let token = toy.emu.config().toy_token.clone();
    let not_json = send(&toy.emu, "POST", "/toy/v1/gateways", Some(&token), "[1]").await;
    assert_eq!(
        (not_json.status, not_json.error().0.as_str()),
        (400, "bad_request")
    );

    let first = toy.create("edge").await;
    let twice = toy
        .call("POST", "/gateways", Some(json!({"name": "edge"})))
        .await;
    assert_eq!((twice.status, twice.error().0.as_str()), (409, "conflict"));
    let other = toy.create("other").await;
    let id = other["id"].as_str().unwrap();
    let rename = toy
        .call(
            "PATCH",
            &format!("/gateways/{id}"),
            Some(json!({"name": "edge"})),
        )
        .await;
    assert_eq!(rename.status, 409, "{rename:?}");
    let region = toy
        .call(
            "PATCH",
            &format!("/gateways/{id}"),
            Some(json!({"region": "us-1"})),
        )
        .await;
    assert_eq!(region.error(), ("invalid".into(), Some("body".into())));
    let missing = toy.call("GET", "/gateways/gw-00000000", None).await;
    assert_eq!(
        (missing.status, missing.error().0.as_str()),
        (404, "not_found")
    );
    let put = toy
        .call(
            "PUT",
            &format!("/gateways/{}", first["id"].as_str().unwrap()),
            None,
        )
        .await;
    assert_eq!(
        (put.status, put.error().0.as_str()),
        (405, "method_not_allowed")
    );
}

#[tokio::test]
async fn every_request_needs_the_bearer_token() {
    let toy = Toy::start(Config::default()).await;
    for token in [None, Some("wrong"), Some("")] {
        let reply = send(&toy.emu, "GET", "/toy/v1/gateways", token, "").await;
        assert_eq!(reply.status, 401, "{token:?}");
        assert_eq!(reply.error().0, "unauthorized");
        assert_eq!(reply.header("www-authenticate"), Some("Bearer"));
    }
    let good = toy.call("GET", "/gateways", None).await;
    assert_eq!(good.status, 200);
    let recorded = toy.emu.requests();
    assert!(
        recorded.iter().all(|r| r.path == "/toy/v1/gateways"),
        "{recorded:?}"
    );
}

#[tokio::test]
async fn injected_faults_answer_in_the_toy_dialect() {
    let toy = Toy::start(Config::default()).await;
    toy.emu
        .add_fault(FaultRule::status("/toy/v1/gateways", 503).times(1));
    let faulted = toy.call("GET", "/gateways", None).await;
    assert_eq!(
        (faulted.status, faulted.error().0.as_str()),
        (503, "internal")
    );
    assert_eq!(toy.call("GET", "/gateways", None).await.status, 200);
    let unrouted = toy.call("GET", "/nothing-here", None).await;
    assert_eq!(
        (unrouted.status, unrouted.error().0.as_str()),
        (404, "not_found")
    );
    toy.create("kept").await;
    toy.emu.reset();
    let after = toy.call("GET", "/gateways", None).await;
    assert_eq!(after.body["gateways"], json!([]));
}
