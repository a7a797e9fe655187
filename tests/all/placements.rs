//! Secret inputs reach only their declared placements (#11 section 2), driven by the hostile
//! adapter's `fetch` operation and its secret input `hostile-secret`, declared for the body
//! field `/secret` of `POST .../_reflect/{case}` and the header `X-Hostile-Secret` of
//! `POST .../hostile/secret`. Anywhere else the request is refused and nothing is sent; and the
//! emulator's reflecting endpoint, which answers with altered forms of what it got, hands none
//! of them to the adapter: not to its output and not to its memory.

use crate::support::{Env, Run, assert_no_secrets, outputs};
use portico_emulator::reflected_forms;

const INPUT: &str = "hostile-secret";
const PLACEHOLDER: &str = "{{secret:hostile-secret}}";

struct Probe {
    env: Env,
    value: String,
}

fn probe() -> Probe {
    let env = Env::with_emulator(Env::config());
    env.set_credential(
        "hostile-cred",
        &["token", "account"],
        &["hostile-token-7Xq2mKp9LwZt4NvR", "acct"],
    );
    env.run(&[
        "adapter",
        "install",
        portico_test_artifacts::HOSTILE,
        "--yes",
    ])
    .expect_code(0);
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
    Probe {
        env,
        value: "Rk4v9TqX2wLmZp7NsB3yHc6J".to_string(),
    }
}

impl Probe {
    /// `op call fetch` with the secret input from the environment.
    fn fetch(&self, extra: &[&str], dump: bool) -> Run {
        let mut args = vec![
            "-v",
            "op",
            "call",
            "fetch",
            "-o",
            "json",
            "--secret",
            "hostile-secret=env:HOSTILE_SECRET",
        ];
        args.extend_from_slice(extra);
        let env = [("HOSTILE_SECRET", self.value.as_str())];
        if dump {
            self.env.run_dumping(&args, &env)
        } else {
            self.env.run_with(&args, "", &env)
        }
    }

    fn url(&self, path: &str) -> String {
        format!("url={}{path}", self.env.emu().url())
    }

    /// No request the emulator saw carried the value.
    fn nothing_sent(&self) {
        for r in self.env.emu().requests() {
            assert!(
                !r.body.contains(&self.value),
                "sent in a body to {}",
                r.path
            );
            assert!(
                !r.path.contains(&self.value)
                    && !r.query.clone().unwrap_or_default().contains(&self.value)
            );
            assert!(
                r.headers.iter().all(|(_, v)| !v.contains(&self.value)),
                "sent in a header to {}",
                r.path
            );
        }
    }
}

/// Each misplaced placeholder is refused by the host, naming the input and where it was.
fn refused(p: &Probe, extra: &[&str], place: &str) {
    let run = p.fetch(extra, false);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(
        run.stderr
            .contains(&format!("secret input \"{INPUT}\" was found {place}")),
        "{place}: {}",
        run.stderr
    );
    assert!(!run.stderr.contains(&p.value) && !run.stdout.contains(&p.value));
    p.nothing_sent();
}

#[test]
fn a_placeholder_in_the_url_is_refused() {
    let p = probe();
    let url = p.url(&format!("/_reflect/a?key={PLACEHOLDER}"));
    let body = format!(r#"{{"secret":"{PLACEHOLDER}"}}"#);
    refused(
        &p,
        &["--param", &url, "--param", "method=POST", "--body", &body],
        "in the URL",
    );
    let encoded = p.url("/_reflect/a?key=%7B%7Bsecret%3Ahostile-secret%7D%7D");
    refused(
        &p,
        &["--param", &encoded, "--param", "method=POST"],
        "in the URL",
    );
}

#[test]
fn a_placeholder_in_an_undeclared_header_is_refused() {
    let p = probe();
    let url = p.url("/_reflect/a");
    let header = format!("header=X-Other: {PLACEHOLDER}");
    refused(
        &p,
        &[
            "--param",
            &url,
            "--param",
            "method=POST",
            "--param",
            &header,
        ],
        "in header \"x-other\"",
    );
}

#[test]
fn a_placeholder_in_an_undeclared_body_field_is_refused() {
    let p = probe();
    let url = p.url("/_reflect/a");
    let body = format!(r#"{{"secret":"ok","other":"{PLACEHOLDER}"}}"#);
    refused(
        &p,
        &["--param", &url, "--param", "method=POST", "--body", &body],
        "at body field /other",
    );
    let inside = format!(r#"{{"secret":"x{PLACEHOLDER}"}}"#);
    refused(
        &p,
        &["--param", &url, "--param", "method=POST", "--body", &inside],
        "inside a longer string",
    );
}

#[test]
fn a_placeholder_in_another_operations_request_is_refused() {
    let p = probe();
    let body = format!(r#"{{"secret":"{PLACEHOLDER}"}}"#);
    let other = p.url("/hostile/elsewhere");
    refused(
        &p,
        &["--param", &other, "--param", "method=POST", "--body", &body],
        "at body field /secret",
    );
    let put = p.url("/_reflect/a");
    refused(
        &p,
        &["--param", &put, "--param", "method=PUT", "--body", &body],
        "at body field /secret",
    );
}

#[test]
fn a_declared_header_gets_the_value() {
    let p = probe();
    let url = p.url("/hostile/secret");
    let header = format!("header=X-Hostile-Secret: Key {PLACEHOLDER}");
    let run = p.fetch(
        &[
            "--param",
            &url,
            "--param",
            "method=POST",
            "--param",
            &header,
        ],
        false,
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    let sent = p
        .env
        .emu()
        .requests()
        .into_iter()
        .find(|r| r.path == "/hostile/secret")
        .expect("sent");
    assert_eq!(
        sent.header("x-hostile-secret"),
        Some(format!("Key {}", p.value).as_str())
    );
}

#[test]
fn a_reflecting_endpoint_hands_none_of_its_altered_forms_to_the_adapter() {
    let p = probe();
    let url = p.url("/_reflect/case");
    let body = format!(r#"{{"secret":"{PLACEHOLDER}"}}"#);
    let mut runs = Vec::new();
    for query in [
        "",
        "?form=base64url_nopad",
        "?form=reversed",
        "?fail=1&form=second_half",
    ] {
        let url = format!("{url}{query}");
        let run = p.fetch(
            &["--param", &url, "--param", "method=POST", "--body", &body],
            true,
        );
        assert_eq!(run.code, 0, "{}", run.stderr);
        runs.push(run);
    }
    // The value reached the emulator, at the declared field.
    let sent = p
        .env
        .emu()
        .requests()
        .into_iter()
        .find(|r| r.path == "/_reflect/case")
        .expect("sent");
    assert!(sent.body.contains(&p.value));
    let first: serde_json::Value = serde_json::from_str(&runs[0].stdout).unwrap();
    assert!(
        first["body"]
            .as_str()
            .unwrap()
            .contains("[redacted hostile-secret]"),
        "{first}"
    );
    assert!(
        runs[0]
            .stderr
            .contains("removed secret values from a response"),
        "{}",
        runs[0].stderr
    );
    let forms = reflected_forms(&p.value);
    let dumps = p.env.memory_dumps();
    // A control: the adapter's memory holds the placeholder it was given.
    assert!(
        dumps
            .iter()
            .any(|(_, m)| memchr::memmem::find(m, PLACEHOLDER.as_bytes()).is_some()),
        "the dumps are not the adapter's memory"
    );
    let mut haystacks = outputs(&runs);
    haystacks.extend(dumps);
    haystacks.push(("audit log".into(), p.env.audit().into_bytes()));
    let mut leaked = Vec::new();
    for (name, form) in &forms {
        for (place, bytes) in &haystacks {
            if memchr::memmem::find(bytes, form.as_bytes()).is_some() {
                leaked.push(format!("{name} in {place}"));
            }
        }
    }
    assert!(
        leaked.is_empty(),
        "altered forms reached the adapter: {leaked:#?}"
    );
    assert_no_secrets(&haystacks, &[("hostile secret", &p.value)]);
}
