//! The checks that are not a lifecycle: the answers the contract fixes for bad arguments, a
//! wrong credential, what the audit log shows, and (in test builds) the guest-memory scan.

use super::Report;
use crate::commands::resource::Resource;
use crate::commands::{Bound, Ctx};
use crate::error::AdapterError;
use crate::runtime::Session;
use crate::secret::SecretString;
use crate::wit::adapter::{Action, Description, Noun, NounSupport, ParentRule};
use crate::wit::types::{self, Error, HostError};
use anyhow::Result;
use std::collections::BTreeMap;

/// The contract error inside `err`, if the adapter answered one.
fn contract_error(err: &anyhow::Error) -> Option<&Error> {
    err.chain()
        .find_map(|c| c.downcast_ref::<AdapterError>())
        .map(|e| &e.error)
}

fn variant(e: &Error) -> &'static str {
    match e {
        Error::NotFound(_) => "not-found",
        Error::InvalidInput(_) => "invalid-input",
        Error::Unauthorized(_) => "unauthorized",
        Error::Forbidden(_) => "forbidden",
        Error::Conflict(_) => "conflict",
        Error::RateLimited(_) => "rate-limited",
        Error::Unsupported(_) => "unsupported",
        Error::Provider(_) => "provider",
        Error::Host(HostError::Credential(_)) => "host credential",
        Error::Host(_) => "host",
    }
}

/// Records whether `result` failed with one of `wanted`.
fn expect<T>(report: &mut Report, check: &str, result: Result<T>, wanted: &[&str]) {
    expect_field(report, check, result, wanted, None);
}

/// Like [`expect`]; with `field`, an `invalid-input` must name a field starting with it.
fn expect_field<T>(
    report: &mut Report,
    check: &str,
    result: Result<T>,
    wanted: &[&str],
    field: Option<&str>,
) {
    let err = match result {
        Ok(_) => {
            let says = wanted.join(" or ");
            return report.fail(check, format!("succeeded; the contract says {says}"));
        }
        Err(err) => err,
    };
    match contract_error(&err) {
        Some(Error::InvalidInput(p))
            if field.is_some_and(|f| !p.field.as_deref().is_some_and(|g| g.starts_with(f))) =>
        {
            let want = field.unwrap_or_default();
            report.fail(
                check,
                format!(
                    "invalid-input naming field {:?}, not {want}: {err:#}",
                    p.field
                ),
            );
        }
        Some(e) if wanted.contains(&variant(e)) => report.pass(check, ""),
        Some(e) => report.fail(
            check,
            format!(
                "answered {}; the contract says {}: {err:#}",
                variant(e),
                wanted.join(" or ")
            ),
        ),
        None => report.fail(check, format!("{err:#}")),
    }
}

fn first(
    d: &Description,
    action: Action,
    rule: impl Fn(ParentRule) -> bool,
) -> Option<&NounSupport> {
    d.nouns
        .iter()
        .find(|s| s.actions.contains(&action) && rule(s.parent))
}

fn query(parent: Option<&str>, filters: Vec<(String, String)>) -> types::Query {
    types::Query {
        parent_id: parent.map(String::from),
        kind: None,
        filters,
        page: types::Page {
            limit: None,
            cursor: None,
        },
    }
}

async fn list(s: &mut Session, noun: Noun, q: &types::Query) -> Result<()> {
    match noun {
        Noun::Gateway => types::Gateway::list(s, q).await.map(drop),
        Noun::Tunnel => types::Tunnel::list(s, q).await.map(drop),
        Noun::Peer => types::Peer::list(s, q).await.map(drop),
        Noun::Mapping => types::Mapping::list(s, q).await.map(drop),
    }
}

async fn get(s: &mut Session, noun: Noun, l: &types::Locator) -> Result<()> {
    match noun {
        Noun::Gateway => types::Gateway::get(s, l).await.map(drop),
        Noun::Tunnel => types::Tunnel::get(s, l).await.map(drop),
        Noun::Peer => types::Peer::get(s, l).await.map(drop),
        Noun::Mapping => types::Mapping::get(s, l).await.map(drop),
    }
}

const MISSING: &str = "portico-conformance-missing";

/// A parent id for a noun that needs one.
fn parent_for(support: &NounSupport) -> Option<&'static str> {
    (support.parent == ParentRule::Required).then_some(MISSING)
}

/// Bad arguments get the answers `wit/since_v0.2.0/types.wit` fixes.
pub(super) async fn errors(s: &mut Session, d: &Description, report: &mut Report) {
    match first(d, Action::Get, |_| true) {
        Some(support) => {
            let l = types::Locator {
                id: MISSING.into(),
                parent_id: parent_for(support).map(String::from),
                kind: Some("portico-conformance-no-such-kind".into()),
            };
            let result = get(s, support.noun, &l).await;
            expect_field(
                report,
                "errors: an unknown kind is invalid-input",
                result,
                &["invalid-input"],
                Some("kind"),
            );
        }
        None => report.skip(
            "errors: an unknown kind is invalid-input",
            "no noun has get",
        ),
    }
    match first(d, Action::List, |_| true) {
        Some(support) => {
            let filter = vec![("portico-conformance-no-such-filter".into(), "x".into())];
            let q = query(parent_for(support), filter);
            let result = list(s, support.noun, &q).await;
            expect_field(
                report,
                "errors: an unknown filter is invalid-input",
                result,
                &["invalid-input"],
                Some("filters."),
            );
        }
        None => report.skip(
            "errors: an unknown filter is invalid-input",
            "no noun has list",
        ),
    }
    match first(d, Action::List, |p| p == ParentRule::None) {
        Some(support) => {
            let result = list(s, support.noun, &query(Some(MISSING), Vec::new())).await;
            let check = "errors: parent-id on a top-level noun is invalid-input";
            expect_field(report, check, result, &["invalid-input"], Some("parent-id"));
        }
        None => report.skip(
            "errors: parent-id on a top-level noun is invalid-input",
            "no top-level noun has list",
        ),
    }
    let result = s
        .invoke(
            "portico-conformance-no-such-operation",
            &[],
            None,
            None,
            &[],
        )
        .await;
    expect(
        report,
        "errors: an unknown operation is unsupported",
        result,
        &["unsupported"],
    );
}

/// With every field of the profile's first credential replaced by a wrong value, a list is
/// `unauthorized` (or the host's credential error, when a token exchange is refused).
pub(super) async fn wrong_credential(ctx: &mut Ctx, d: &Description, report: &mut Report) {
    let check = "errors: a wrong credential is unauthorized";
    let Some(spec) = d.credentials.first() else {
        return report.skip(check, "the adapter uses no credential");
    };
    let Some(support) = first(d, Action::List, |p| p != ParentRule::Required) else {
        return report.skip(check, "no top-level noun has list");
    };
    let stored = ctx
        .profile_name()
        .ok()
        .and_then(|p| ctx.config.profiles().ok()?.profiles.remove(&p))
        .and_then(|p| p.credentials.get(&spec.name).cloned())
        .unwrap_or_else(|| spec.name.clone());
    let wrong: BTreeMap<String, SecretString> = spec
        .fields
        .iter()
        .map(|f| {
            let value = format!("portico-wrong-{}", super::generated_secret());
            (f.name.clone(), SecretString::new(value))
        })
        .collect();
    let store = ctx.credentials.with_override(&stored, wrong);
    let noun = support.noun;
    let result = async {
        let mut bound = ctx.bind_with(|_, _| Ok(Default::default()), store).await?;
        list(&mut bound.session, noun, &query(None, Vec::new())).await
    }
    .await;
    expect(report, check, result, &["unauthorized", "host credential"]);
}

/// The host refused nothing the adapter asked for during the suite, and the audit log says the
/// same.
pub(super) fn nothing_undeclared(
    ctx: &Ctx,
    s: &Session,
    adapter: &str,
    since: &str,
    report: &mut Report,
) {
    let check = "audit: nothing undeclared was requested";
    if let Some(refused) = s.refused().first() {
        return report.fail(check, format!("portico refused: {refused}"));
    }
    let records = match crate::broker::audit::read(&ctx.home) {
        Ok(r) => r,
        Err(err) => return report.fail(check, format!("{err:#}")),
    };
    let ours: Vec<_> = records
        .iter()
        .filter(|r| r["adapter"] == adapter && r["time"].as_str() >= Some(since))
        .collect();
    match ours.iter().find(|r| r["outcome"] == "refused") {
        Some(r) => report.fail(check, format!("refused in the audit log: {}", r["reason"])),
        None => report.pass(check, format!("{} requests audited", ours.len())),
    }
}

/// Test builds: the adapter's whole linear memory holds none of the secrets of the suite.
#[cfg(feature = "memory-dump")]
pub(super) fn memory(_ctx: &Ctx, bound: &mut Bound, inputs: &[String], report: &mut Report) {
    use base64::Engine as _;
    let check = "memory: no secret reached guest memory";
    let mut secrets: Vec<Vec<u8>> = bound.session.broker().secret_values();
    secrets.extend(inputs.iter().map(|v| v.as_bytes().to_vec()));
    secrets.retain(|s| crate::broker::scrub::is_distinctive(s));
    secrets.sort();
    secrets.dedup();
    let memories = match bound.session.memories() {
        Ok(m) => m,
        Err(err) => return report.fail(check, format!("{err:#}")),
    };
    let bytes: usize = memories.iter().map(Vec::len).sum();
    for secret in &secrets {
        let forms = [
            secret.clone(),
            hex::encode(secret).into_bytes(),
            base64::engine::general_purpose::STANDARD
                .encode(secret)
                .into_bytes(),
        ];
        for memory in &memories {
            if forms
                .iter()
                .any(|f| memchr::memmem::find(memory, f).is_some())
            {
                return report.fail(check, "a secret (or its hex or Base64) is in guest memory");
            }
        }
    }
    report.pass(
        check,
        format!(
            "{} secrets, {} KiB of memory scanned",
            secrets.len(),
            bytes / 1024
        ),
    );
}

/// Without the test-only `memory-dump` feature the guest's memory cannot be read.
#[cfg(not(feature = "memory-dump"))]
pub(super) fn memory(_ctx: &Ctx, _bound: &mut Bound, _inputs: &[String], report: &mut Report) {
    report.skip(
        "memory: no secret reached guest memory",
        "this build has no memory-dump feature",
    );
}
