//! Test adapter `hostile`: every operation tries one attack on the host, and the tests in
//! `tests/all/hostile.rs` expect each attack to be refused, contained or stopped, with an error
//! naming the adapter, and portico to keep working afterwards.
//!
//! | operation      | attack                                                                  |
//! |----------------|-------------------------------------------------------------------------|
//! | `read-env`     | read environment variables, arguments and the working directory        |
//! | `read-file`    | read a file (`path`): `/etc/passwd`, the credentials file, ...          |
//! | `list-dir`     | list a directory (`path`), i.e. look for a preopened directory          |
//! | `connect`      | open a TCP socket or resolve a name (`addr`) without the broker         |
//! | `fetch`        | send any request (`url`, `method`, `header`s, `credential`)             |
//! | `identity`     | read a credential field (`credential`, `field`)                         |
//! | `loop`         | spin forever                                                            |
//! | `alloc`        | allocate without bound                                                  |
//! | `recurse`      | recurse without bound (`frame`: `small` or `large` stack frames)        |
//! | `flood`        | send `count` requests to `url` (`on-error`: `stop` or `ignore`)         |
//! | `big-response` | fetch `url` and report how many bytes arrived                           |
//! | `huge-string`  | return a body of `mib` MiB (100 by default)                             |
//! | `bad-utf8`     | return a body that is not UTF-8                                         |
//! | `bad-cursor`   | return a cursor that never advances (`mode=stuck`) or carries terminal  |
//! |                | escape sequences (`mode=escape`)                                        |
//! | `panic`        | panic                                                                   |
//! | `ping`         | nothing hostile: one request with the credential, to show portico works |
//!
//! `gateway list --kind K` returns invalid data through a noun: `bad-utf8-name`, `huge-name`
//! (100 MiB), `bad-json-raw`, `stuck-cursor`, `escape-cursor`; any other kind lists one
//! ordinary gateway.
//!
//! Operations that probe WASI (`read-env`, `read-file`, `list-dir`, `connect`) succeed and
//! report what they saw, so a test can check that nothing leaked; host refusals are passed
//! back unchanged, so tests see exactly what the broker said.
//!
//! The secret input `hostile-secret` (used by `op:fetch`) declares two placements: the whole
//! value of the JSON body field `/secret` of a `POST .../_reflect/{case}` (the emulator's
//! reflecting endpoint), and the header `X-Hostile-Secret` of a `POST .../hostile/secret`.
//! Through `fetch` a test can put the placeholder anywhere else (the URL, another header,
//! another body field, another request) and expect the host to refuse.

use portico_adapter_sdk::describe::{
    adapter, bearer, credential, endpoint_setting, field, header_placement, placement,
    secret_field, secret_input,
};
use portico_adapter_sdk::{
    self as sdk, Body, Description, Gateway, GatewayPage, Json, Location, Method, NounDef,
    Operation, Operations, Outcome, Parameter, Query, SecretInput, State,
};
use sdk::serde_json::{Value, json};

/// The hostile catalogue: one operation per attack.
struct Hostile;

/// The secret input a test hands the adapter to misplace.
const SECRET: &str = "hostile-secret";

/// The kind of the ordinary gateway, and the kinds that return invalid data.
const KINDS: &[(&str, &str)] = &[
    ("hostile", "an ordinary gateway"),
    ("bad-utf8-name", "a gateway whose name is not UTF-8"),
    ("huge-name", "a gateway with a 100 MiB name"),
    ("bad-json-raw", "a gateway whose raw document is not JSON"),
    ("stuck-cursor", "a page whose cursor never advances"),
    (
        "escape-cursor",
        "a page whose cursor carries terminal escapes",
    ),
];

/// Gateways: `list` only, returning invalid data for the attack kinds.
const GATEWAYS: NounDef<Gateway> = NounDef::top_level().kinds(KINDS).on_list(list_gateways);

/// The one host the credential is bound to.
const BOUND_HOST: &str = "api.hostile.example";
/// Declared and (in the tests) granted, but the credential is not bound to it.
const FREE_HOST: &str = "free.hostile.example";
/// Declared but not granted by the tests.
const UNGRANTED_HOST: &str = "ungranted.hostile.example";
/// Declared and granted, but it resolves to a loopback address.
const LOOPBACK_NAME: &str = "localhost";

/// Size of the strings the "huge" attacks return.
const HUGE_MIB: usize = 100;

/// An escape sequence that would set the terminal title and clear the screen if printed raw.
const TERMINAL_ESCAPE: &str = "\u{1b}]0;owned\u{7}\u{1b}[2J\u{1b}[31mowned";

fn param(name: &str, required: bool, description: &str) -> Parameter {
    Parameter {
        name: name.into(),
        location: Location::Query,
        required,
        description: description.into(),
    }
}

fn operation(name: &str, summary: &str, parameters: Vec<Parameter>) -> Operation {
    Operation {
        name: name.into(),
        method: if name == "fetch" {
            Method::Post
        } else {
            Method::Get
        },
        path: "-".into(),
        summary: summary.into(),
        parameters,
        takes_body: name == "fetch",
        paginated: name == "bad-cursor",
    }
}

fn outcome(body: Value) -> sdk::Result<Outcome> {
    Ok(Outcome {
        status: 200,
        body: Some(Body::Json(body.to_string())),
        next: None,
    })
}

/// A `String` holding bytes that are not UTF-8, which safe Rust cannot build: the host must
/// notice when it reads the string out of guest memory.
fn not_utf8() -> String {
    let bytes = vec![b'o', b'k', 0xff, 0xfe, 0xc3, 0x28];
    // SAFETY: not safe at all, on purpose. The string is never read as text by this guest;
    // it is only handed to the host (pointer and length), which must validate it.
    unsafe { String::from_utf8_unchecked(bytes) }
}

fn huge(mib: usize) -> String {
    "x".repeat(mib << 20)
}

/// What a WASI call returned, as text for the report.
fn seen<T: std::fmt::Debug, E: std::fmt::Display>(result: Result<T, E>) -> String {
    match result {
        Ok(value) => format!("ok: {value:?}"),
        Err(err) => format!("error: {err}"),
    }
}

fn read_env(name: Option<String>) -> Value {
    let vars: Vec<String> = std::env::vars().map(|(k, v)| format!("{k}={v}")).collect();
    let named = name.map(|n| {
        let value = std::env::var(&n);
        json!({ "name": n, "value": seen(value) })
    });
    json!({
        "vars": vars,
        "named": named,
        "args": std::env::args().collect::<Vec<_>>(),
        "cwd": seen(std::env::current_dir()),
    })
}

fn read_file(path: &str) -> Value {
    let content = std::fs::read(path).map(|bytes| String::from_utf8_lossy(&bytes).into_owned());
    let metadata = std::fs::metadata(path).map(|m| m.len());
    json!({ "path": path, "read": seen(content), "metadata": seen(metadata) })
}

fn list_dir(path: &str) -> Value {
    let entries = std::fs::read_dir(path).map(|entries| {
        entries
            .filter_map(|e| e.ok().map(|e| e.path().display().to_string()))
            .collect::<Vec<_>>()
    });
    json!({ "path": path, "entries": seen(entries) })
}

fn connect(addr: &str) -> Value {
    use std::net::ToSocketAddrs as _;
    let tcp = std::net::TcpStream::connect(addr).map(|s| s.peer_addr().ok());
    let lookup = "localhost:80"
        .to_socket_addrs()
        .map(|addrs| addrs.collect::<Vec<_>>());
    let udp = std::net::UdpSocket::bind("0.0.0.0:0").map(|s| s.local_addr().ok());
    json!({ "addr": addr, "tcp": seen(tcp), "lookup": seen(lookup), "udp": seen(udp) })
}

fn spin() -> ! {
    let mut n = 0u64;
    loop {
        n = std::hint::black_box(n.wrapping_add(1));
    }
}

fn exhaust_memory(chunk_mib: usize) -> usize {
    let mut kept: Vec<Vec<u8>> = Vec::new();
    loop {
        // Written, not just reserved, so every page is really used.
        kept.push(vec![0xa5; chunk_mib.max(1) << 20]);
        std::hint::black_box(&kept);
    }
}

/// Recursion whose frames live on the engine's native stack (small locals, no addresses
/// taken): the wasm stack limit stops it.
fn recurse_small(depth: u64, stop: u64) -> u64 {
    if depth == stop {
        return depth;
    }
    recurse_small(depth + 1, stop).wrapping_mul(31) ^ depth
}

/// Recursion with a large array per frame, which lives on the shadow stack in linear memory.
fn recurse_large(depth: u64, stop: u64) -> u64 {
    let mut frame = [0u8; 4096];
    frame[(depth % 4096) as usize] = depth as u8;
    let frame = std::hint::black_box(frame);
    if depth == stop {
        return u64::from(frame[0]);
    }
    recurse_large(depth + 1, stop).wrapping_add(u64::from(frame[(depth % 7) as usize]))
}

fn flood(url: &str, count: u32, ignore_errors: bool) -> sdk::Result<Value> {
    let mut sent = 0u32;
    let mut refused = 0u32;
    let mut first_error = None;
    for _ in 0..count {
        match sdk::http::Request::get(url).send() {
            Ok(_) => sent += 1,
            Err(err) if ignore_errors => {
                refused += 1;
                first_error.get_or_insert_with(|| err.message().to_string());
            }
            Err(err) => return Err(err),
        }
    }
    Ok(json!({ "sent": sent, "refused": refused, "first_error": first_error }))
}

fn fetch(
    get: &dyn Fn(&str) -> Option<String>,
    headers: Vec<String>,
    body: Option<Json>,
) -> sdk::Result<Outcome> {
    let url = get("url").ok_or_else(|| sdk::error::invalid_input("url is required"))?;
    let method = get("method").unwrap_or_else(|| "GET".into());
    let method = Method::parse(&method).ok_or_else(|| {
        sdk::error::invalid_input_field("param:method", format!("no method {method}"))
    })?;
    let mut request = sdk::http::Request::new(method, url);
    if let Some(credential) = get("credential") {
        request = request.credential(credential);
    }
    for header in headers {
        // Only the first `:` separates the name, so a value may carry anything (CR, LF, ...).
        if let Some((name, value)) = header.split_once(':') {
            request = request.header(name.trim(), value.trim_start());
        }
    }
    if let Some(body) = body {
        request = request.json_text(body);
    }
    let response = request.send()?;
    Ok(Outcome {
        status: response.status,
        body: Some(Body::Json(
            json!({ "status": response.status, "body": response.text() }).to_string(),
        )),
        next: None,
    })
}

fn endpoint() -> sdk::Result<String> {
    sdk::config::require("endpoint").map(|e| e.trim_end_matches('/').to_string())
}

fn description() -> Description {
    adapter(
        "hostile",
        env!("CARGO_PKG_VERSION"),
        "test",
        "tries to escape the sandbox",
    )
    .with_hosts(&[BOUND_HOST, FREE_HOST, UNGRANTED_HOST, LOOPBACK_NAME])
    .with_credential(
        credential(
            "hostile",
            "a bearer token the adapter would love to read",
            &[BOUND_HOST],
        )
        .with_field(secret_field("token", "the token"))
        .with_field(field("account", "an account id"))
        .with_scheme(bearer("token")),
    )
    .with_setting(endpoint_setting("where requests go in tests"))
    .with_secret_input(
        secret_input(
            SECRET,
            "a value the adapter tries to send where it does not belong",
        )
        .used_by(&["op:fetch"])
        .with_placement(placement(Method::Post, "/_reflect/{case}", "/secret"))
        .with_placement(header_placement(
            Method::Post,
            "/hostile/secret",
            "X-Hostile-Secret",
        )),
    )
}

fn gateway(name: Option<String>, raw: String) -> Gateway {
    Gateway {
        id: "gw-1".into(),
        kind: "hostile".into(),
        name,
        description: None,
        state: State::Available,
        provider_state: "up".into(),
        public_addresses: vec!["203.0.113.7".into()],
        networks: vec![],
        wireguard: None,
        labels: vec![],
        created_at: None,
        raw,
    }
}

fn list_gateways(query: Query) -> sdk::Result<GatewayPage> {
    let ordinary = || gateway(Some("ordinary".into()), r#"{"id":"gw-1"}"#.into());
    let (items, next) = match query.kind.as_deref().unwrap_or_default() {
        "bad-utf8-name" => (vec![gateway(Some(not_utf8()), "{}".into())], None),
        "huge-name" => (vec![gateway(Some(huge(HUGE_MIB)), "{}".into())], None),
        "bad-json-raw" => (vec![gateway(None, "{\"unterminated\": [1, 2".into())], None),
        "stuck-cursor" => (vec![ordinary()], Some("page-2".to_string())),
        "escape-cursor" => (vec![ordinary()], Some(format!("c{TERMINAL_ESCAPE}"))),
        _ => (vec![ordinary()], None),
    };
    Ok(GatewayPage {
        items,
        next,
        ahead: Vec::new(),
    })
}

impl Operations for Hostile {
    fn catalog(&self) -> Vec<Operation> {
        let url = || param("url", true, "the URL to send to");
        vec![
            operation(
                "read-env",
                "read the environment",
                vec![param("name", false, "a variable to read")],
            ),
            operation(
                "read-file",
                "read a file",
                vec![param("path", true, "the file")],
            ),
            operation(
                "list-dir",
                "list a directory",
                vec![param("path", true, "the directory")],
            ),
            operation(
                "connect",
                "open a socket",
                vec![param("addr", true, "host:port")],
            ),
            operation(
                "fetch",
                "send one request",
                vec![
                    url(),
                    param("method", false, "the method"),
                    param("header", false, "`Name: value`, repeatable"),
                    param("credential", false, "a credential name"),
                ],
            ),
            operation(
                "identity",
                "read a credential field",
                vec![
                    param("credential", true, "the credential"),
                    param("field", true, "the field"),
                ],
            ),
            operation("loop", "spin forever", vec![]),
            operation(
                "alloc",
                "allocate without bound",
                vec![param("chunk-mib", false, "MiB per allocation")],
            ),
            operation(
                "recurse",
                "recurse without bound",
                vec![param("frame", false, "small or large")],
            ),
            operation(
                "flood",
                "send many requests",
                vec![
                    url(),
                    param("count", false, "how many"),
                    param("on-error", false, "stop or ignore"),
                ],
            ),
            operation("big-response", "receive a large body", vec![url()]),
            operation(
                "huge-string",
                "return a huge body",
                vec![param("mib", false, "MiB")],
            ),
            operation("bad-utf8", "return a body that is not UTF-8", vec![]),
            operation(
                "bad-cursor",
                "return a malformed cursor",
                vec![param("mode", true, "stuck or escape")],
            ),
            operation("panic", "panic", vec![]),
            operation("ping", "one ordinary request with the credential", vec![]),
        ]
    }

    fn invoke(
        &self,
        name: String,
        params: Vec<(String, String)>,
        body: Option<Json>,
        cursor: Option<String>,
        _secrets: Vec<SecretInput>,
    ) -> sdk::Result<Outcome> {
        let get = |key: &str| {
            params
                .iter()
                .find(|(k, _)| k == key)
                .map(|(_, v)| v.clone())
        };
        let required = |key: &str| get(key).ok_or_else(|| sdk::error::missing(key));
        match name.as_str() {
            "read-env" => outcome(read_env(get("name"))),
            "read-file" => outcome(read_file(&required("path")?)),
            "list-dir" => outcome(list_dir(&required("path")?)),
            "connect" => outcome(connect(&required("addr")?)),
            "fetch" => {
                let headers = params
                    .iter()
                    .filter(|(k, _)| k == "header")
                    .map(|(_, v)| v.clone())
                    .collect();
                fetch(&get, headers, body)
            }
            "identity" => {
                let value =
                    sdk::credentials::identity(&required("credential")?, &required("field")?)?;
                outcome(Value::String(value))
            }
            "loop" => spin(),
            "alloc" => {
                let chunk = get("chunk-mib").and_then(|c| c.parse().ok()).unwrap_or(1);
                outcome(json!({ "allocated": exhaust_memory(chunk) }))
            }
            "recurse" => {
                // The stop value comes from outside, so the compiler cannot bound the depth.
                let stop = get("stop").and_then(|s| s.parse().ok()).unwrap_or(u64::MAX);
                let depth = match get("frame").as_deref() {
                    Some("large") => recurse_large(0, stop),
                    _ => recurse_small(0, stop),
                };
                outcome(json!({ "depth": depth }))
            }
            "flood" => {
                let count = get("count").and_then(|c| c.parse().ok()).unwrap_or(10_000);
                let ignore = get("on-error").as_deref() == Some("ignore");
                outcome(flood(&required("url")?, count, ignore)?)
            }
            "big-response" => {
                let response = sdk::http::Request::get(required("url")?).send()?;
                outcome(json!({ "status": response.status, "bytes": response.body.len() }))
            }
            "huge-string" => {
                let mib = get("mib").and_then(|m| m.parse().ok()).unwrap_or(HUGE_MIB);
                Ok(Outcome {
                    status: 200,
                    body: Some(Body::Text(huge(mib))),
                    next: None,
                })
            }
            "bad-utf8" => Ok(Outcome {
                status: 200,
                body: Some(Body::Text(not_utf8())),
                next: None,
            }),
            "bad-cursor" => {
                let next = match required("mode")?.as_str() {
                    "stuck" => cursor.unwrap_or_else(|| "page-2".into()),
                    _ => format!("c{TERMINAL_ESCAPE}"),
                };
                Ok(Outcome {
                    status: 200,
                    body: Some(Body::Json(json!({ "page": "items" }).to_string())),
                    next: Some(next),
                })
            }
            "panic" => panic!("the hostile adapter was asked to panic"),
            "ping" => {
                let url = format!("{}/hostile/ping", endpoint()?);
                let response = sdk::http::Request::get(url).credential("hostile").send()?;
                outcome(json!({ "ok": true, "status": response.status }))
            }
            other => Err(sdk::error::unsupported(format_args!("operation {other}"))),
        }
    }
}

sdk::export!(HostileAdapter {
    describe: description,
    gateways: GATEWAYS,
    operations: Hostile,
});
