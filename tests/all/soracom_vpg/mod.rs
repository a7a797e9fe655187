//! The Soracom VPG adapter through the real CLI against the emulator: all 49 catalogue
//! operations called by name, the gateway, peer and mapping nouns, paging with `--all`, and
//! Soracom's error bodies. This module has the shared set-up; `operations` calls the catalogue,
//! `nouns` the gateway, peer and mapping commands.

mod nouns;
mod operations;

use std::cell::RefCell;
use std::collections::BTreeSet;

use crate::support::Env;
use serde_json::{Value, json};

/// A home with the Soracom VPG adapter installed, credential `sora` holding the emulator's
/// AuthKey pair, and profile `t` pointing at the emulator.
fn soracom() -> Env {
    let env = Env::with_emulator(Env::config());
    let id = env.emu().config().soracom_auth_key_id.clone();
    let key = env.emu().config().soracom_auth_key.clone();
    env.set_credential("sora", &["auth-key-id", "auth-key"], &[&id, &key]);
    env.install_with_profile(
        portico_test_artifacts::SORACOM_VPG,
        "soracom-vpg",
        Some("sora"),
        &[],
    );
    env
}

/// Calls catalogue operations and remembers which ones were called.
struct Caller<'a> {
    env: &'a Env,
    called: RefCell<BTreeSet<String>>,
}

impl<'a> Caller<'a> {
    fn new(env: &'a Env) -> Self {
        Caller {
            env,
            called: RefCell::new(BTreeSet::new()),
        }
    }

    fn args(op: &str, params: &[(&str, &str)], body: Option<&Value>, all: bool) -> Vec<String> {
        let mut args = vec!["op".to_string(), "call".to_string(), op.to_string()];
        for (k, v) in params {
            args.push("--param".into());
            args.push(format!("{k}={v}"));
        }
        if let Some(body) = body {
            args.push("--body".into());
            args.push(body.to_string());
        }
        if all {
            args.push("--all".into());
        }
        args.extend(["-o".to_string(), "json".to_string()]);
        args
    }

    /// Calls `op`, expects success, returns the response document (`null` without a body).
    #[track_caller]
    fn call(&self, op: &str, params: &[(&str, &str)], body: Option<Value>) -> Value {
        let args = Self::args(op, params, body.as_ref(), false);
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let run = self.env.run(&args).expect_code(0);
        self.called.borrow_mut().insert(op.to_string());
        if run.stdout.trim().is_empty() {
            Value::Null
        } else {
            run.json()
        }
    }

    /// Calls a paginated `op` with `--all`; returns the pages.
    #[track_caller]
    fn call_all(&self, op: &str, params: &[(&str, &str)]) -> Vec<Value> {
        let args = Self::args(op, params, None, true);
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let run = self.env.run(&args).expect_code(0);
        self.called.borrow_mut().insert(op.to_string());
        run.json().as_array().expect("pages").clone()
    }
}

fn s(v: &Value, key: &str) -> String {
    v[key]
        .as_str()
        .unwrap_or_else(|| panic!("{key} in {v}"))
        .to_string()
}

fn ids(items: &Value) -> Vec<String> {
    items
        .as_array()
        .expect("array")
        .iter()
        .map(|i| s(i, "id"))
        .collect()
}

/// Creates a VPG through the catalogue, returns its id.
fn create_vpg(c: &Caller<'_>, name: &str) -> String {
    let vpg = c.call(
        "createVirtualPrivateGateway",
        &[],
        Some(json!({"type": 14, "tags": {"name": name}})),
    );
    assert_eq!(vpg["status"], "running");
    s(&vpg, "vpgId")
}

/// Requests to `path` (under `/v1`) the emulator saw, with their query strings.
fn queries(env: &Env, path: &str) -> Vec<String> {
    env.emu()
        .requests()
        .into_iter()
        .filter(|r| r.method == "GET" && r.path == format!("/v1{path}"))
        .map(|r| r.query.unwrap_or_default())
        .collect()
}
