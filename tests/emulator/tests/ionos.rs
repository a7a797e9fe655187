//! End-to-end tests of the emulator over real loopback connections, with a deliberately tiny
//! HTTP/1.1 client so the crate needs no HTTP client dependency.

use std::time::Duration;

use portico_emulator::{Config, Emulator, FaultRule};
use serde_json::{Value, json};
use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};
use tokio::net::TcpStream;
use uuid::Uuid;

#[derive(Debug)]
struct Reply {
    status: u16,
    headers: Vec<(String, String)>,
    body: String,
}

impl Reply {
    fn json(&self) -> Value {
        serde_json::from_str(&self.body).unwrap_or_else(|e| panic!("{e}: {}", self.body))
    }

    fn header(&self, name: &str) -> Option<&str> {
        let found = self
            .headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name));
        found.map(|(_, v)| v.as_str())
    }

    /// The message of an IONOS error body, after checking its shape.
    fn error(&self) -> String {
        let body = self.json();
        assert_eq!(body["httpStatus"], self.status, "{body}");
        assert!(body["messages"][0]["errorCode"].is_string(), "{body}");
        body["messages"][0]["message"]
            .as_str()
            .unwrap_or_default()
            .to_owned()
    }
}

/// Sends one request on a fresh connection; `None` when no complete response arrived.
async fn raw(
    emu: &Emulator,
    method: &str,
    path: &str,
    auth: Option<&str>,
    body: &str,
) -> Option<Reply> {
    let mut stream = TcpStream::connect(emu.addr()).await.expect("connect");
    let auth = auth
        .map(|a| format!("Authorization: {a}\r\n"))
        .unwrap_or_default();
    let request = format!(
        "{method} {path} HTTP/1.1\r\nHost: {}\r\nConnection: close\r\n{auth}\
         Content-Type: application/json\r\nContent-Length: {}\r\n\r\n{body}",
        emu.addr(),
        body.len()
    );
    stream.write_all(request.as_bytes()).await.expect("write");
    let mut bytes = Vec::new();
    let _ = stream.read_to_end(&mut bytes).await;
    parse(&String::from_utf8_lossy(&bytes))
}

fn parse(text: &str) -> Option<Reply> {
    let (head, rest) = text.split_once("\r\n\r\n")?;
    let mut lines = head.lines();
    let status = lines.next()?.split(' ').nth(1)?.parse().ok()?;
    let headers: Vec<(String, String)> = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(k, v)| (k.trim().to_owned(), v.trim().to_owned()))
        .collect();
    let mut reply = Reply {
        status,
        headers,
        body: String::new(),
    };
    if reply.header("transfer-encoding") == Some("chunked") {
        let mut rest = rest;
        loop {
            let (size, after) = rest.split_once("\r\n")?;
            let size = usize::from_str_radix(size.trim(), 16).ok()?;
            if size == 0 {
                return Some(reply);
            }
            reply.body.push_str(after.get(..size)?);
            rest = after.get(size + 2..)?;
        }
    }
    let length: usize = reply
        .header("content-length")
        .map_or(Some(0), |l| l.parse().ok())?;
    (rest.len() == length).then(|| Reply {
        body: rest.to_owned(),
        ..reply
    })
}

/// A client holding one credential.
struct Api<'a> {
    emu: &'a Emulator,
    auth: Option<String>,
}

impl<'a> Api<'a> {
    fn new(emu: &'a Emulator) -> Self {
        Api {
            emu,
            auth: Some(format!("Bearer {}", emu.config().ionos_token)),
        }
    }

    fn with(emu: &'a Emulator, auth: Option<String>) -> Self {
        Api { emu, auth }
    }

    async fn call(&self, method: &str, path: &str, body: Option<&Value>) -> Reply {
        let body = body.map(Value::to_string).unwrap_or_default();
        raw(self.emu, method, path, self.auth.as_deref(), &body)
            .await
            .unwrap_or_else(|| panic!("no complete response to {method} {path}"))
    }

    async fn get(&self, path: &str) -> Reply {
        self.call("GET", path, None).await
    }

    async fn post(&self, path: &str, body: &Value) -> Reply {
        self.call("POST", path, Some(body)).await
    }

    async fn put(&self, path: &str, body: &Value) -> Reply {
        self.call("PUT", path, Some(body)).await
    }

    async fn delete(&self, path: &str) -> Reply {
        self.call("DELETE", path, None).await
    }

    /// Creates a resource and returns its id.
    async fn create(&self, path: &str, properties: Value) -> String {
        let reply = self.post(path, &json!({ "properties": properties })).await;
        assert_eq!(reply.status, 201, "{}", reply.body);
        reply.json()["id"].as_str().expect("id").to_owned()
    }
}

fn wireguard_gateway(name: &str) -> Value {
    json!({
        "name": name, "gatewayIP": "203.0.113.10", "interfaceIPv4CIDR": "172.16.0.1/32",
        "privateKey": "wg-private-SECRET-1234",
        "connections": [{ "datacenterId": "1e072e52-2ed3-492f-b6b6-c6b116907521",
                          "lanId": "2", "ipv4CIDR": "192.168.1.100/24" }]
    })
}

fn peer(name: &str) -> Value {
    json!({ "name": name, "allowedIPs": ["10.0.0.2/32"], "publicKey": "peer-pub",
            "endpoint": { "host": "peer.example.com" } })
}

fn ipsec_gateway(name: &str) -> Value {
    json!({
        "name": name, "gatewayIP": "203.0.113.20",
        "connections": [{ "datacenterId": "1e072e52-2ed3-492f-b6b6-c6b116907521",
                          "lanId": "3", "ipv4CIDR": "192.168.2.1/24" }]
    })
}

fn tunnel(name: &str) -> Value {
    json!({
        "name": name, "remoteHost": "198.51.100.7",
        "auth": { "method": "PSK", "psk": { "key": "psk-SECRET-5678" } },
        "ike": {}, "esp": {},
        "cloudNetworkCIDRs": ["192.168.2.0/24"], "peerNetworkCIDRs": ["10.20.0.0/16"]
    })
}

async fn start(config: Config) -> Emulator {
    Emulator::start(config).await.expect("emulator starts")
}

#[tokio::test]
async fn credentials_are_checked() {
    let config = Config {
        ionos_basic: Some(("alice".into(), "wonderland".into())),
        ..Config::default()
    };
    let emu = start(config).await;
    let readonly = format!("Bearer {}", emu.config().ionos_readonly_token);
    let basic = |pair: &str| Some(format!("Basic {}", base64_encode(pair)));

    for auth in [
        None,
        Some("Bearer nope".to_owned()),
        basic("alice:wrong"),
        Some("Bearer".into()),
    ] {
        let reply = Api::with(&emu, auth.clone())
            .get("/wireguardgateways")
            .await;
        assert_eq!(reply.status, 401, "{auth:?}");
        assert!(!reply.error().is_empty());
    }
    assert_eq!(
        Api::with(&emu, basic("alice:wonderland"))
            .get("/ipsecgateways")
            .await
            .status,
        200
    );

    let ro = Api::with(&emu, Some(readonly));
    assert_eq!(ro.get("/wireguardgateways").await.status, 200);
    let denied = ro
        .post(
            "/wireguardgateways",
            &json!({ "properties": wireguard_gateway("x") }),
        )
        .await;
    assert_eq!(denied.status, 403);
    assert!(denied.error().contains("read-only"));
    assert_eq!(
        ro.delete(&format!("/ipsecgateways/{}", Uuid::new_v4()))
            .await
            .status,
        403
    );
}

fn base64_encode(text: &str) -> String {
    const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::new();
    for chunk in text.as_bytes().chunks(3) {
        let n = chunk
            .iter()
            .enumerate()
            .fold(0u32, |acc, (i, b)| acc | u32::from(*b) << (16 - 8 * i));
        for i in 0..4 {
            let c = if i <= chunk.len() {
                ALPHABET[(n >> (18 - 6 * i) & 63) as usize] as char
            } else {
                '='
            };
            out.push(c);
        }
    }
    out
}

#[tokio::test]
async fn gateways_provision_and_updates_replace() {
    let emu = start(Config {
        provision_delay: Duration::from_secs(30),
        ..Config::default()
    })
    .await;
    let api = Api::new(&emu);
    let mut props = wireguard_gateway("gw1");
    props["listenPort"] = json!(51900);
    let created = api
        .post("/wireguardgateways", &json!({ "properties": props }))
        .await;
    assert_eq!(created.status, 201, "{}", created.body);
    let body = created.json();
    let id = body["id"].as_str().expect("id");
    let path = format!("/wireguardgateways/{id}");
    assert_eq!(created.header("location"), Some(path.as_str()));
    assert_eq!(body["type"], "wireguardgateway");
    assert_eq!(body["href"], path);
    assert_eq!(body["metadata"]["status"], "PROVISIONING");
    assert_eq!(body["properties"]["tier"], "STANDARD");
    assert_eq!(body["properties"]["listenPort"], 51900);
    for field in [
        "createdDate",
        "lastModifiedDate",
        "createdBy",
        "createdByUserId",
        "resourceURN",
    ] {
        assert!(body["metadata"][field].is_string(), "{field}: {body}");
    }
    assert!(body["metadata"]["statusMessage"].is_null());

    assert_eq!(
        api.get(&path).await.json()["metadata"]["status"],
        "PROVISIONING"
    );
    let ensure = json!({ "id": id, "properties": wireguard_gateway("gw1-renamed") });
    let busy = api.put(&path, &ensure).await;
    assert_eq!(busy.status, 409);
    assert!(busy.error().contains("PROVISIONING"));

    emu.advance_clock(Duration::from_secs(30));
    assert_eq!(
        api.get(&path).await.json()["metadata"]["status"],
        "AVAILABLE"
    );
    let updated = api.put(&path, &ensure).await;
    assert_eq!(updated.status, 200, "{}", updated.body);
    let updated = updated.json();
    assert_eq!(updated["metadata"]["status"], "PROVISIONING");
    assert_eq!(updated["properties"]["name"], "gw1-renamed");
    assert_eq!(
        updated["properties"]["listenPort"], 51820,
        "omitted fields reset to defaults"
    );

    let fresh = Uuid::new_v4().to_string();
    let body = json!({ "id": fresh, "properties": ipsec_gateway("made-by-put") });
    let made = api.put(&format!("/ipsecgateways/{fresh}"), &body).await;
    assert_eq!(made.status, 201, "{}", made.body);
    assert_eq!(made.json()["properties"]["version"], "IKEv2");
    let wrong = json!({ "id": Uuid::new_v4(), "properties": ipsec_gateway("x") });
    let mismatch = api.put(&format!("/ipsecgateways/{fresh}"), &wrong).await;
    assert_eq!(mismatch.status, 422);
    assert!(mismatch.error().contains("[id]"));
}

#[tokio::test]
async fn secrets_are_never_echoed() {
    let emu = start(Config::default()).await;
    let api = Api::new(&emu);
    let gw = api
        .post(
            "/wireguardgateways",
            &json!({ "properties": wireguard_gateway("s") }),
        )
        .await;
    assert!(
        !gw.body.contains("SECRET") && !gw.body.contains("privateKey"),
        "{}",
        gw.body
    );
    let properties = gw.json()["properties"].clone();
    let keys: Vec<&String> = properties.as_object().expect("object").keys().collect();
    let expected = [
        "name",
        "gatewayIP",
        "interfaceIPv4CIDR",
        "connections",
        "listenPort",
        "tier",
    ];
    assert_eq!(keys, expected);
    let public_key = gw.json()["metadata"]["publicKey"]
        .as_str()
        .expect("publicKey")
        .to_owned();
    assert_eq!(public_key.len(), 44);

    let ipsec = api.create("/ipsecgateways", ipsec_gateway("i")).await;
    let tunnels = format!("/ipsecgateways/{ipsec}/tunnels");
    let created = api
        .post(&tunnels, &json!({ "properties": tunnel("t") }))
        .await;
    assert_eq!(created.status, 201, "{}", created.body);
    let body = created.json();
    assert_eq!(body["properties"]["auth"], json!({ "method": "PSK" }));
    assert_eq!(body["properties"]["ike"]["lifetime"], 86400);
    assert_eq!(body["properties"]["esp"]["lifetime"], 3600);
    assert_eq!(
        body["properties"]["ike"]["diffieHellmanGroup"],
        "16-MODP4096"
    );

    let gw_id = gw.json()["id"].as_str().expect("id").to_owned();
    let reads = [
        api.get("/wireguardgateways").await,
        api.get(&format!("/wireguardgateways/{gw_id}")).await,
        api.get(&tunnels).await,
        api.get(&format!("{tunnels}/{}", body["id"].as_str().expect("id")))
            .await,
    ];
    for read in reads {
        assert_eq!(read.status, 200);
        assert!(!read.body.contains("SECRET"), "{}", read.body);
    }
    let gw = api.get(&format!("/wireguardgateways/{gw_id}")).await.json();
    assert_eq!(gw["metadata"]["publicKey"], public_key.as_str());
}

#[tokio::test]
async fn collections_page_with_absolute_links() {
    let emu = start(Config::default()).await;
    let api = Api::new(&emu);
    let mut ids = Vec::new();
    for i in 0..5 {
        ids.push(
            api.create("/ipsecgateways", ipsec_gateway(&format!("gw{i}")))
                .await,
        );
    }
    let base = format!("{}/ipsecgateways", emu.url());
    let page = |offset: usize| format!("{base}?offset={offset}&limit=2");

    let first = api.get("/ipsecgateways?limit=2").await.json();
    assert_eq!(first["type"], "collection");
    assert_eq!(first["href"], "/ipsecgateways");
    assert_eq!(
        (first["offset"].clone(), first["limit"].clone()),
        (json!(0), json!(2))
    );
    assert_eq!(first["items"][0]["id"], ids[0].as_str());
    assert_eq!(first["items"][1]["id"], ids[1].as_str());
    assert_eq!(first["_links"], json!({ "self": page(0), "next": page(2) }));

    let middle = api.get("/ipsecgateways?offset=2&limit=2").await.json();
    assert_eq!(
        middle["_links"],
        json!({ "prev": page(0), "self": page(2), "next": page(4) })
    );
    let last = api.get("/ipsecgateways?offset=4&limit=2").await.json();
    assert_eq!(last["items"].as_array().map(Vec::len), Some(1));
    assert_eq!(last["_links"], json!({ "prev": page(2), "self": page(4) }));

    let all = api.get("/ipsecgateways").await.json();
    assert_eq!(all["limit"], 100);
    assert_eq!(all["items"].as_array().map(Vec::len), Some(5));
    for bad in ["offset=-1", "limit=0", "limit=1001", "limit=ten"] {
        let reply = api.get(&format!("/ipsecgateways?{bad}")).await;
        assert_eq!(reply.status, 400, "{bad}");
        reply.error();
    }
}

#[tokio::test]
async fn invalid_bodies_are_rejected() {
    let emu = start(Config::default()).await;
    let api = Api::new(&emu);
    let mut props = wireguard_gateway("v");
    props.as_object_mut().expect("object").remove("gatewayIP");
    let reply = api
        .post("/wireguardgateways", &json!({ "properties": props }))
        .await;
    assert_eq!(reply.status, 422);
    assert_eq!(reply.error(), "[properties.gatewayIP] is required");

    let mut props = wireguard_gateway("v");
    props["tier"] = json!("GOLD");
    let reply = api
        .post("/wireguardgateways", &json!({ "properties": props }))
        .await;
    assert_eq!(reply.status, 422);
    assert!(
        reply
            .error()
            .starts_with("[properties.tier] must be one of")
    );

    let gw = api
        .create("/wireguardgateways", wireguard_gateway("v"))
        .await;
    let mut props = peer("p");
    props["allowedIPs"] = json!([]);
    let reply = api
        .post(
            &format!("/wireguardgateways/{gw}/peers"),
            &json!({ "properties": props }),
        )
        .await;
    assert_eq!(
        (reply.status, reply.error()),
        (422, "[properties.allowedIPs] is required".into())
    );

    let reply = api
        .post(
            &format!("/wireguardgateways/{gw}/peers"),
            &json!({ "properties": peer("p") }),
        )
        .await;
    assert_eq!(
        reply.json()["properties"]["endpoint"],
        json!({ "host": "peer.example.com", "port": 51820 })
    );

    let malformed = raw(&emu, "POST", "/ipsecgateways", api.auth.as_deref(), "{nope")
        .await
        .expect("reply");
    assert_eq!(malformed.status, 400);
    malformed.error();
    let missing = api.post("/ipsecgateways", &json!({})).await;
    assert_eq!(
        (missing.status, missing.error()),
        (422, "[properties] is required".into())
    );
}

#[tokio::test]
async fn unknown_ids_are_not_found() {
    let emu = start(Config::default()).await;
    let api = Api::new(&emu);
    let ghost = Uuid::new_v4();
    for path in [
        format!("/wireguardgateways/{ghost}"),
        format!("/wireguardgateways/{ghost}/peers"),
        format!("/ipsecgateways/{ghost}/tunnels/{ghost}"),
    ] {
        let reply = api.get(&path).await;
        assert_eq!(reply.status, 404, "{path}");
        assert!(reply.error().contains(&ghost.to_string()));
    }
    let reply = api
        .post(
            &format!("/ipsecgateways/{ghost}/tunnels"),
            &json!({ "properties": tunnel("t") }),
        )
        .await;
    assert_eq!(reply.status, 404);
    assert_eq!(
        api.delete(&format!("/ipsecgateways/{ghost}")).await.status,
        404
    );
    assert_eq!(api.get("/ipsecgateways/not-a-uuid").await.status, 400);
    assert_eq!(api.get("/nowhere").await.status, 404);
    let patch = api
        .call(
            "PATCH",
            &format!("/ipsecgateways/{ghost}"),
            Some(&json!({})),
        )
        .await;
    assert_eq!(patch.status, 405);
    patch.error();
}

#[tokio::test]
async fn deletes_cascade_and_complete_later() {
    let emu = start(Config {
        delete_delay: Duration::from_secs(10),
        ..Config::default()
    })
    .await;
    let api = Api::new(&emu);
    let gw = api
        .create("/wireguardgateways", wireguard_gateway("d"))
        .await;
    let peers = format!("/wireguardgateways/{gw}/peers");
    let peer_id = api.create(&peers, peer("p")).await;
    let other = api
        .create("/wireguardgateways", wireguard_gateway("keep"))
        .await;

    let deleted = api.delete(&format!("/wireguardgateways/{gw}")).await;
    assert_eq!((deleted.status, deleted.body.as_str()), (202, ""));
    let status = |r: Reply| r.json()["metadata"]["status"].clone();
    assert_eq!(
        status(api.get(&format!("/wireguardgateways/{gw}")).await),
        "DESTROYING"
    );
    assert_eq!(
        status(api.get(&format!("{peers}/{peer_id}")).await),
        "DESTROYING"
    );
    let busy = api
        .put(
            &format!("{peers}/{peer_id}"),
            &json!({ "id": peer_id, "properties": peer("p") }),
        )
        .await;
    assert_eq!(
        busy.status, 404,
        "writes below a gateway being deleted: {}",
        busy.body
    );
    assert_eq!(
        api.post(&peers, &json!({ "properties": peer("late") }))
            .await
            .status,
        404
    );
    assert_eq!(
        api.delete(&format!("/wireguardgateways/{gw}")).await.status,
        202
    );

    emu.advance_clock(Duration::from_secs(10));
    assert_eq!(
        api.get(&format!("/wireguardgateways/{gw}")).await.status,
        404
    );
    assert_eq!(api.get(&peers).await.status, 404);
    let list = api.get("/wireguardgateways").await.json();
    assert_eq!(list["items"].as_array().map(Vec::len), Some(1));
    assert_eq!(list["items"][0]["id"], other.as_str());

    emu.set_delete_delay(Duration::from_secs(60));
    let ipsec = api.create("/ipsecgateways", ipsec_gateway("busy")).await;
    assert_eq!(
        api.delete(&format!("/ipsecgateways/{ipsec}")).await.status,
        202
    );
    let body = json!({ "id": ipsec, "properties": ipsec_gateway("busy") });
    let conflict = api.put(&format!("/ipsecgateways/{ipsec}"), &body).await;
    assert_eq!(conflict.status, 409);
    assert!(conflict.error().contains("DESTROYING"));
}

#[tokio::test]
async fn faults_fire_the_configured_number_of_times() {
    let emu = start(Config::default()).await;
    let api = Api::new(&emu);
    emu.add_fault(FaultRule::status("/wireguardgateways", 503).times(2));
    for _ in 0..2 {
        let reply = api.get("/wireguardgateways").await;
        assert_eq!(reply.status, 503);
        reply.error();
    }
    assert_eq!(api.get("/wireguardgateways").await.status, 200);
    assert!(emu.faults().is_empty());

    emu.add_fault(
        FaultRule::status("/ipsecgateways", 429)
            .method("POST")
            .retry_after(1),
    );
    assert_eq!(api.get("/ipsecgateways").await.status, 200);
    let limited = api
        .post(
            "/ipsecgateways",
            &json!({ "properties": ipsec_gateway("r") }),
        )
        .await;
    assert_eq!(
        (limited.status, limited.header("retry-after")),
        (429, Some("1"))
    );
    assert_eq!(
        api.post(
            "/ipsecgateways",
            &json!({ "properties": ipsec_gateway("r") })
        )
        .await
        .status,
        201
    );

    emu.add_fault(FaultRule::drop_connection("/ipsecgateways"));
    assert!(
        raw(&emu, "GET", "/ipsecgateways", api.auth.as_deref(), "")
            .await
            .is_none()
    );
    assert_eq!(api.get("/ipsecgateways").await.status, 200);

    let admin = Api::with(&emu, None);
    let rule = json!({ "path_prefix": "/", "status": 500, "count": 1, "latency_ms": 20 });
    assert_eq!(admin.post("/_emulator/faults", &rule).await.status, 204);
    assert_eq!(
        admin.get("/_emulator/faults").await.json()[0]["status"],
        500
    );
    let failed = api.get("/ipsecgateways").await;
    assert_eq!(
        (failed.status, failed.error()),
        (500, "emulated fault: Internal Server Error".into())
    );
    assert_eq!(
        admin
            .post("/_emulator/faults", &json!([rule, rule]))
            .await
            .status,
        204
    );
    assert_eq!(admin.delete("/_emulator/faults").await.status, 204);
    assert_eq!(api.get("/ipsecgateways").await.status, 200);
}

#[tokio::test]
async fn requests_are_recorded_and_reset_clears_everything() {
    let emu = start(Config::default()).await;
    let api = Api::new(&emu);
    let gw = api.create("/ipsecgateways", ipsec_gateway("rec")).await;
    api.get("/ipsecgateways?limit=5").await;
    let admin = Api::with(&emu, None);
    assert_eq!(
        admin
            .post("/_emulator/clock", &json!({ "advance_ms": 1000 }))
            .await
            .status,
        204
    );

    let recorded = emu.requests();
    assert_eq!(
        recorded.len(),
        2,
        "admin calls are not recorded: {recorded:?}"
    );
    assert_eq!(
        (recorded[0].method.as_str(), recorded[0].path.as_str()),
        ("POST", "/ipsecgateways")
    );
    assert!(recorded[0].body.contains("\"rec\""));
    let bearer = format!("Bearer {}", emu.config().ionos_token);
    assert_eq!(recorded[0].header("Authorization"), Some(bearer.as_str()));
    assert_eq!(recorded[1].query.as_deref(), Some("limit=5"));
    let over_http = admin.get("/_emulator/requests").await.json();
    assert_eq!(over_http[1]["query"], "limit=5");

    emu.add_fault(FaultRule::status("/", 500).times(10));
    assert_eq!(admin.post("/_emulator/reset", &json!({})).await.status, 204);
    assert!(emu.requests().is_empty() && emu.faults().is_empty());
    assert_eq!(api.get(&format!("/ipsecgateways/{gw}")).await.status, 404);
}

#[tokio::test]
async fn refuses_non_loopback_and_stops_when_dropped() {
    let public = Config {
        listen: Some("0.0.0.0:0".parse().expect("addr")),
        ..Config::default()
    };
    let err = Emulator::start(public)
        .await
        .expect_err("non-loopback refused");
    assert!(err.to_string().contains("non-loopback"), "{err}");

    let emu = start(Config::default()).await;
    let addr = emu.addr();
    assert_eq!(emu.url(), format!("http://{addr}"));
    drop(emu);
    for _ in 0..100 {
        if TcpStream::connect(addr).await.is_err() {
            return;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    panic!("server still accepting connections after drop");
}

#[test]
fn runs_on_its_own_thread_for_blocking_callers() {
    use std::io::{Read as _, Write as _};
    let emu = Emulator::start_on_thread(Config::default()).expect("emulator starts");
    let mut stream = std::net::TcpStream::connect(emu.addr()).expect("connect");
    let request = format!(
        "GET /ipsecgateways HTTP/1.1\r\nHost: {}\r\nAuthorization: Bearer {}\r\nConnection: close\r\n\r\n",
        emu.addr(),
        emu.config().ionos_token
    );
    stream.write_all(request.as_bytes()).expect("write");
    let mut response = String::new();
    stream.read_to_string(&mut response).expect("read");
    let reply = parse(&response).expect("complete response");
    assert_eq!(reply.status, 200);
    assert_eq!(reply.json()["items"], json!([]));
    let addr = emu.addr();
    drop(emu);
    for _ in 0..100 {
        if std::net::TcpStream::connect(addr).is_err() {
            return;
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    panic!("server still accepting connections after drop");
}
