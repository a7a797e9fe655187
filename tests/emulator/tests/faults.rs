//! Fault injection and latency over real loopback connections: lost responses (committed, but
//! no byte answered), dropped connections (nothing committed), seeded random faults that
//! replay exactly, the fault counts, and the latency added before provider responses only.

use std::collections::BTreeMap;
use std::time::{Duration, Instant};

use portico_emulator::{Config, Emulator, FaultRates, FaultRule, FaultStats, RandomFaults};
use serde_json::{Value, json};
use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};
use tokio::net::TcpStream;

/// A plain-HTTP client; the crate's rustls has no process-wide provider, so give it one.
fn client() -> reqwest::Client {
    let provider = std::sync::Arc::new(rustls::crypto::ring::default_provider());
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

/// `.json()` and `.parse()` without reqwest's `json` feature, which the workspace leaves off.
trait JsonBody {
    fn json_body(self, body: &Value) -> Self;
}

impl JsonBody for reqwest::RequestBuilder {
    fn json_body(self, body: &Value) -> Self {
        self.header("content-type", "application/json")
            .body(body.to_string())
    }
}

async fn parse(response: reqwest::Response) -> Value {
    let text = response.text().await.expect("body");
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{e}: {text}"))
}

fn wireguard_gateway(name: &str) -> Value {
    json!({ "properties": {
        "name": name, "gatewayIP": "203.0.113.10", "interfaceIPv4CIDR": "172.16.0.1/32",
        "privateKey": "wg-private-SECRET-1234",
        "connections": [{ "datacenterId": "1e072e52-2ed3-492f-b6b6-c6b116907521",
                          "lanId": "2", "ipv4CIDR": "192.168.1.100/24" }]
    }})
}

/// Sends one request on a fresh connection and returns every byte that came back before the
/// connection ended (a reset counts as the end).
async fn raw_bytes(emu: &Emulator, method: &str, path: &str, body: &str) -> Vec<u8> {
    let mut stream = TcpStream::connect(emu.addr()).await.expect("connect");
    let request = format!(
        "{method} {path} HTTP/1.1\r\nHost: {}\r\nConnection: close\r\n\
         Authorization: Bearer {}\r\nContent-Type: application/json\r\n\
         Content-Length: {}\r\n\r\n{body}",
        emu.addr(),
        emu.config().ionos_token,
        body.len()
    );
    stream.write_all(request.as_bytes()).await.expect("write");
    let mut bytes = Vec::new();
    let _ = stream.read_to_end(&mut bytes).await;
    bytes
}

/// Names of the IONOS WireGuard gateways in the emulator's state, read through the API.
async fn gateway_names(emu: &Emulator) -> Vec<String> {
    let list = client()
        .get(format!("{}/wireguardgateways?limit=1000", emu.url()))
        .bearer_auth(&emu.config().ionos_token)
        .send()
        .await
        .expect("list");
    let list = parse(list).await;
    let items = list["items"].as_array().expect("items").iter();
    let names = items.map(|g| {
        g["properties"]["name"]
            .as_str()
            .unwrap_or_default()
            .to_owned()
    });
    names.collect()
}

#[tokio::test]
async fn a_lost_response_commits_the_create_but_answers_not_one_byte() {
    let emu = Emulator::start(Config::default()).await.expect("start");
    emu.add_fault(FaultRule::lose_response("/wireguardgateways").method("POST"));
    let body = wireguard_gateway("lost-1").to_string();
    let bytes = raw_bytes(&emu, "POST", "/wireguardgateways", &body).await;
    assert!(bytes.is_empty(), "{}", String::from_utf8_lossy(&bytes));
    assert_eq!(
        gateway_names(&emu).await,
        ["lost-1"],
        "the create took effect"
    );

    // The same through an HTTP client: an error without a status, and a second gateway.
    emu.add_fault(FaultRule::lose_response("/wireguardgateways").method("POST"));
    let failed = client()
        .post(format!("{}/wireguardgateways", emu.url()))
        .bearer_auth(&emu.config().ionos_token)
        .json_body(&wireguard_gateway("lost-2"))
        .send()
        .await
        .expect_err("the connection breaks");
    assert!(failed.status().is_none(), "{failed:?}");
    assert_eq!(gateway_names(&emu).await, ["lost-1", "lost-2"]);

    let posts = emu.requests().iter().filter(|r| r.method == "POST").count();
    assert_eq!(posts, 2, "lost requests are still recorded");
    assert_eq!(emu.fault_stats().lose_response, 2);
    assert!(emu.faults().is_empty());
}

#[tokio::test]
async fn a_dropped_connection_commits_nothing_and_answers_not_one_byte() {
    let emu = Emulator::start(Config::default()).await.expect("start");
    let admin = client();
    let rule = json!({ "path_prefix": "/wireguardgateways", "method": "POST",
                       "drop_connection": true });
    let added = admin
        .post(format!("{}/_emulator/faults", emu.url()))
        .json_body(&rule)
        .send()
        .await
        .expect("add rule");
    assert_eq!(added.status(), 204);
    let body = wireguard_gateway("dropped").to_string();
    let bytes = raw_bytes(&emu, "POST", "/wireguardgateways", &body).await;
    assert!(bytes.is_empty(), "{}", String::from_utf8_lossy(&bytes));
    assert!(gateway_names(&emu).await.is_empty(), "nothing was created");
    assert_eq!(emu.fault_stats().drop, 1);
}

#[tokio::test]
async fn a_lost_response_over_a_kept_alive_connection_leaves_the_server_serving() {
    let emu = Emulator::start(Config::default()).await.expect("start");
    let client = client();
    let list = format!("{}/wireguardgateways", emu.url());
    let token = emu.config().ionos_token.clone();
    let ok = client
        .get(&list)
        .bearer_auth(&token)
        .send()
        .await
        .expect("first");
    assert_eq!(ok.status(), 200);
    emu.add_fault(FaultRule::lose_response("/wireguardgateways"));
    let lost = client.get(&list).bearer_auth(&token).send().await;
    assert!(lost.is_err(), "{lost:?}");
    let again = client
        .get(&list)
        .bearer_auth(&token)
        .send()
        .await
        .expect("after");
    assert_eq!(again.status(), 200);
}

/// What a client saw for one request.
#[derive(Clone, Debug, PartialEq, Eq)]
enum Outcome {
    Status(u16, Option<String>),
    Broken,
}

/// Sends `n` gateway creates one after the other and returns what each got.
async fn creates(emu: &Emulator, n: usize) -> Vec<Outcome> {
    let client = client();
    let mut outcomes = Vec::new();
    for i in 0..n {
        let sent = client
            .post(format!("{}/wireguardgateways", emu.url()))
            .bearer_auth(&emu.config().ionos_token)
            .json_body(&wireguard_gateway(&format!("gw-{i}")))
            .send()
            .await;
        outcomes.push(match sent {
            Ok(response) => {
                let retry = response.headers().get("retry-after");
                let retry = retry.map(|v| v.to_str().unwrap_or_default().to_owned());
                Outcome::Status(response.status().as_u16(), retry)
            }
            Err(_) => Outcome::Broken,
        });
    }
    outcomes
}

fn soak_faults(seed: u64) -> RandomFaults {
    let rates = FaultRates {
        status_503: 0.2,
        status_429: 0.1,
        retry_after_secs: Some(1),
        drop: 0.1,
        lose_response: 0.1,
    };
    RandomFaults::new(seed, rates).path_prefix("/wireguardgateways")
}

#[tokio::test]
async fn random_faults_replay_with_the_same_seed_and_keep_their_promises() {
    const N: usize = 80;
    let first = Emulator::start(Config {
        random_faults: Some(soak_faults(42)),
        ..Config::default()
    })
    .await
    .expect("start");
    let second = Emulator::start(Config::default()).await.expect("start");
    second.set_random_faults(soak_faults(42)).expect("valid");
    let other = Emulator::start(Config::default()).await.expect("start");
    other.set_random_faults(soak_faults(7)).expect("valid");

    let seen = creates(&first, N).await;
    assert_eq!(
        first.requests().len(),
        N,
        "one request per create, no retries"
    );
    assert_eq!(creates(&second, N).await, seen, "same seed, same faults");
    assert_ne!(creates(&other, N).await, seen, "another seed, other faults");
    let stats = first.fault_stats();
    assert_eq!(second.fault_stats(), stats);

    let count = |wanted: &Outcome| seen.iter().filter(|o| *o == wanted).count() as u64;
    let created = count(&Outcome::Status(201, None));
    let s503 = count(&Outcome::Status(503, None));
    let s429 = count(&Outcome::Status(429, Some("1".into())));
    let broken = count(&Outcome::Broken);
    assert_eq!(created + s503 + s429 + broken, N as u64, "{seen:?}");
    assert_eq!(stats.status, BTreeMap::from([(503, s503), (429, s429)]));
    assert_eq!(stats.drop + stats.lose_response, broken);
    assert_eq!(stats.random_draws, N as u64);
    assert!(
        stats.drop > 0 && stats.lose_response > 0 && s503 > 0 && s429 > 0,
        "{stats:?}"
    );

    // Outside the prefix nothing draws.
    let list = client()
        .get(format!("{}/ipsecgateways", first.url()))
        .bearer_auth(&first.config().ionos_token)
        .send()
        .await
        .expect("list");
    assert_eq!(list.status(), 200);
    assert_eq!(first.fault_stats(), stats);

    // Drops happen before the handler, lost responses after it. (Listing draws too, so stop
    // the faults first; the counts stay.)
    first.clear_random_faults();
    assert!(first.random_faults().is_none());
    let names = gateway_names(&first).await;
    assert_eq!(
        names.len() as u64,
        created + stats.lose_response,
        "{stats:?}"
    );
    assert!(
        creates(&first, 5)
            .await
            .iter()
            .all(|o| *o == Outcome::Status(201, None))
    );
    assert_eq!(first.fault_stats(), stats);
    first.clear_fault_stats();
    assert_eq!(first.fault_stats(), FaultStats::default());
}

#[tokio::test]
async fn random_faults_and_their_counts_over_the_admin_endpoints() {
    let emu = Emulator::start(Config::default()).await.expect("start");
    let admin = client();
    let url = |path: &str| format!("{}/_emulator/faults{path}", emu.url());
    let faults = json!({"seed": 42, "path_prefix": "/", "rates": {"status_503": 1.0,
                        "status_429": 0.0, "retry_after_secs": 1, "drop": 0.0,
                        "lose_response": 0.0}});
    let set = admin
        .put(url("/random"))
        .json_body(&faults)
        .send()
        .await
        .expect("put");
    assert_eq!(set.status(), 200);
    let stored = parse(set).await;
    assert_eq!(stored["seed"], 42);
    assert_eq!(stored["rates"]["status_503"], 1.0);
    assert_eq!(emu.random_faults().map(|f| f.seed), Some(42));

    // Every provider answers in its own dialect.
    for (path, marker) in [
        ("/wireguardgateways", "/httpStatus"),
        ("/v1/virtual_private_gateways", "/code"),
        ("/1.3/gateway", "/correlation_id"),
        ("/v1/vpn-gateways", "/errors/0/code"),
        ("/_reflect/x", "/error"),
    ] {
        let reply = admin
            .get(format!("{}{path}", emu.url()))
            .send()
            .await
            .expect(path);
        assert_eq!(reply.status(), 503, "{path}");
        let body = parse(reply).await;
        assert!(body.pointer(marker).is_some(), "{path}: {body}");
    }
    let stats = parse(admin.get(url("/stats")).send().await.expect("stats")).await;
    assert_eq!(
        stats,
        json!({"status": {"503": 5}, "drop": 0, "lose_response": 0, "delay": 0,
               "random_draws": 5, "most_in_flight": 1})
    );

    let bad = json!({"seed": 1, "rates": {"status_503": 0.7, "drop": 0.5}});
    let refused = admin
        .put(url("/random"))
        .json_body(&bad)
        .send()
        .await
        .expect("put");
    assert_eq!(refused.status(), 400);
    let message = refused.text().await.expect("text");
    assert!(message.contains("more than 1"), "{message}");
    let unknown = json!({"seed": 1, "rates": {"status_500": 0.1}});
    let refused = admin
        .put(url("/random"))
        .json_body(&unknown)
        .send()
        .await
        .expect("put");
    assert_eq!(refused.status(), 400);

    let cleared = admin.delete(url("/random")).send().await.expect("delete");
    assert_eq!(cleared.status(), 204);
    let none = parse(admin.get(url("/random")).send().await.expect("get")).await;
    assert_eq!(none, Value::Null);
    let zeroed = admin.delete(url("/stats")).send().await.expect("delete");
    assert_eq!(zeroed.status(), 204);
    assert_eq!(emu.fault_stats(), FaultStats::default());
}

#[tokio::test]
async fn invalid_random_faults_are_refused_by_the_library() {
    let rates = FaultRates {
        drop: 1.5,
        ..FaultRates::default()
    };
    let config = Config {
        random_faults: Some(RandomFaults::new(1, rates.clone())),
        ..Config::default()
    };
    let err = Emulator::start(config).await.expect_err("invalid");
    assert!(
        format!("{err:#}").contains("not between 0 and 1"),
        "{err:#}"
    );
    let emu = Emulator::start(Config::default()).await.expect("start");
    assert!(emu.set_random_faults(RandomFaults::new(1, rates)).is_err());
    assert!(emu.random_faults().is_none());
}

/// Time one GET of `path`, and what it answered (`None`: the connection broke).
async fn timed_get(emu: &Emulator, path: &str) -> (Duration, Option<u16>) {
    let started = Instant::now();
    let sent = client()
        .get(format!("{}{path}", emu.url()))
        .bearer_auth(&emu.config().ionos_token)
        .send()
        .await;
    (started.elapsed(), sent.ok().map(|r| r.status().as_u16()))
}

#[tokio::test]
async fn latency_delays_every_provider_response_including_faults() {
    let latency = Duration::from_millis(150);
    let emu = Emulator::start(Config {
        latency,
        ..Config::default()
    })
    .await
    .expect("start");
    let (took, status) = timed_get(&emu, "/wireguardgateways").await;
    assert_eq!(status, Some(200));
    assert!(took >= latency, "{took:?}");
    emu.add_fault(FaultRule::status("/wireguardgateways", 503));
    let (took, status) = timed_get(&emu, "/wireguardgateways").await;
    assert_eq!(status, Some(503));
    assert!(took >= latency, "{took:?}");
    emu.add_fault(FaultRule::lose_response("/wireguardgateways"));
    let (took, status) = timed_get(&emu, "/wireguardgateways").await;
    assert_eq!(status, None);
    assert!(took >= latency, "{took:?}");

    emu.set_latency(Duration::from_millis(300));
    let (took, _) = timed_get(&emu, "/wireguardgateways").await;
    assert!(took >= Duration::from_millis(300), "{took:?}");
}

#[tokio::test]
async fn latency_is_settable_over_the_admin_api_which_it_never_delays() {
    let emu = Emulator::start(Config::default()).await.expect("start");
    let admin = client();
    let delays = format!("{}/_emulator/delays", emu.url());
    // An hour: if the admin endpoints were delayed, this test would time out.
    let hour = json!({ "latency_ms": 3_600_000 });
    let check = async {
        let set = admin
            .put(&delays)
            .json_body(&hour)
            .send()
            .await
            .expect("put");
        assert_eq!(set.status(), 200);
        let now = parse(admin.get(&delays).send().await.expect("get")).await;
        assert_eq!(now["latency_ms"], 3_600_000);
        assert_eq!(now["provision_delay_ms"], 0, "other delays unchanged");
        let reset = admin
            .post(format!("{}/_emulator/reset", emu.url()))
            .send()
            .await;
        assert_eq!(reset.expect("reset").status(), 204);
    };
    tokio::time::timeout(Duration::from_secs(60), check)
        .await
        .expect("admin endpoints answer without the latency");

    let short = json!({ "latency_ms": 120 });
    admin
        .put(&delays)
        .json_body(&short)
        .send()
        .await
        .expect("put");
    let (took, status) = timed_get(&emu, "/wireguardgateways").await;
    assert_eq!(status, Some(200));
    assert!(took >= Duration::from_millis(120), "{took:?}");
}
