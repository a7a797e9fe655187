//! `portico adapter test ADAPTER -p PROFILE`: the conformance suite.
//!
//! A fixed list of checks against an installed adapter and a live endpoint (or a cassette,
//! with `--replay`): the description is complete and self-consistent, the catalogue is
//! well-formed, every noun the adapter creates goes through create → get → list → update →
//! get → delete → get (not-found) from the adapter's own examples, errors map to the
//! contract's variants, a second page is reachable, nothing undeclared was requested, and (in
//! test builds) no secret reached guest memory. One row per check, with the reason on failure;
//! the command fails when any check fails.
//!
//! The suite calls the adapter directly, bypassing the host's own argument checks, because it
//! tests what the adapter answers.

mod lifecycle;
mod probes;

use super::Ctx;
use crate::broker::scheme;
use crate::broker::secrets::{SecretInputs, placeholder};
use crate::error::input;
use crate::output::Column;
use crate::secret::SecretString;
use crate::wit::adapter::{Description, Noun};
use crate::wit::operations::Operation;
use crate::wit::{noun_name, types};
use anyhow::Result;
use serde_json::{Value, json};

/// How one check ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Verdict {
    Pass,
    Fail,
    Skip,
}

/// One row of the report.
#[derive(Debug, Clone)]
pub(super) struct Row {
    pub check: String,
    pub verdict: Verdict,
    pub detail: String,
}

/// The report being written.
#[derive(Debug, Default)]
pub(super) struct Report {
    rows: Vec<Row>,
}

impl Report {
    pub(super) fn pass(&mut self, check: impl Into<String>, detail: impl Into<String>) {
        self.push(check, Verdict::Pass, detail);
    }

    pub(super) fn fail(&mut self, check: impl Into<String>, detail: impl Into<String>) {
        self.push(check, Verdict::Fail, detail);
    }

    pub(super) fn skip(&mut self, check: impl Into<String>, detail: impl Into<String>) {
        self.push(check, Verdict::Skip, detail);
    }

    /// Passes when `result` is `Ok`, fails with the error otherwise.
    pub(super) fn check<T>(&mut self, check: impl Into<String>, result: &Result<T>) {
        match result {
            Ok(_) => self.pass(check, ""),
            Err(err) => self.fail(check, format!("{err:#}")),
        }
    }

    fn push(&mut self, check: impl Into<String>, verdict: Verdict, detail: impl Into<String>) {
        self.rows.push(Row {
            check: check.into(),
            verdict,
            detail: detail.into(),
        });
    }

    fn failures(&self) -> usize {
        self.rows
            .iter()
            .filter(|r| r.verdict == Verdict::Fail)
            .count()
    }
}

/// A random value for a secret input, distinctive enough to be scrubbed and found by the scan.
fn generated_secret() -> String {
    use rand::distr::{Alphanumeric, SampleString as _};
    format!("Conf{}", Alphanumeric.sample_string(&mut rand::rng(), 28))
}

/// The placeholders of every secret input the adapter declares.
pub(super) fn placeholders(description: &Description, names: &[String]) -> Vec<types::SecretInput> {
    description
        .secret_inputs
        .iter()
        .filter(|s| names.contains(&s.name))
        .map(|s| types::SecretInput {
            name: s.name.clone(),
            placeholder: placeholder(&s.name),
        })
        .collect()
}

/// Runs the suite against the active profile, which must use adapter `name`.
pub(crate) async fn run(ctx: &mut Ctx, name: &str) -> Result<()> {
    let profile = ctx.profile_name()?;
    let adapter = ctx
        .config
        .profiles()?
        .profiles
        .get(&profile)
        .map(|p| p.adapter.clone());
    if adapter.as_deref() != Some(name) {
        return Err(input(format!(
            "profile {profile:?} does not use adapter {name}: choose one that does with -p"
        )));
    }
    let started = humantime::format_rfc3339_millis(std::time::SystemTime::now()).to_string();
    let mut values = Vec::new();
    let store = ctx.credentials.clone();
    let mut bound = ctx
        .bind_with(
            |description, _| {
                let mut inputs = SecretInputs::default();
                for s in &description.secret_inputs {
                    let value = generated_secret();
                    values.push(value.clone());
                    inputs.insert(s.name.clone(), SecretString::new(value));
                }
                Ok(inputs)
            },
            store,
        )
        .await?;
    let description = bound.description.clone();
    let mut report = Report::default();
    describe_checks(&description, &mut report);
    let catalog = bound.session.catalog().await;
    match &catalog {
        Ok(ops) => catalog_checks(ops, &mut report),
        Err(err) => report.fail("catalogue: well-formed", format!("{err:#}")),
    }
    let taped = ctx.tape().is_some();
    lifecycle::all(&mut bound.session, &description, taped, &mut report).await;
    probes::errors(&mut bound.session, &description, &mut report).await;
    probes::wrong_credential(ctx, &description, &mut report).await;
    probes::nothing_undeclared(ctx, &bound.session, name, &started, &mut report);
    probes::memory(ctx, &mut bound, &values, &mut report);
    print(ctx, &report)?;
    match report.failures() {
        0 => Ok(()),
        n => Err(input(format!(
            "adapter {name}: {n} of {} conformance checks failed",
            report.rows.len()
        ))),
    }
}

fn print(ctx: &Ctx, report: &Report) -> Result<()> {
    let items: Vec<Value> = report
        .rows
        .iter()
        .map(|r| {
            json!({
                "check": r.check,
                "result": match r.verdict {
                    Verdict::Pass => "pass",
                    Verdict::Fail => "fail",
                    Verdict::Skip => "skip",
                },
                "detail": r.detail,
            })
        })
        .collect();
    ctx.printer.list(
        &[
            Column::short("CHECK", "check"),
            Column::keep("RESULT", "result"),
            Column::free("DETAIL", "detail"),
        ],
        &items,
    )
}

/// The description on its own: the host's install checks, plus what the suite relies on.
fn describe_checks(d: &Description, report: &mut Report) {
    report.check(
        "describe: valid for install",
        &scheme::validate_description(d),
    );
    let mut problems = Vec::new();
    if d.version.split('.').count() != 3 || d.version.split('.').any(|p| p.parse::<u64>().is_err())
    {
        problems.push(format!(
            "version {:?} is not semver MAJOR.MINOR.PATCH",
            d.version
        ));
    }
    if d.provider.trim().is_empty() || d.summary.trim().is_empty() {
        problems.push("provider and summary must say something".to_string());
    }
    let supported = |n: Noun| d.nouns.iter().any(|s| s.noun == n);
    for k in &d.kinds {
        if !supported(k.noun) {
            problems.push(format!(
                "kind {} of {} is not a supported noun",
                k.kind,
                noun_name(k.noun)
            ));
        }
    }
    for s in &d.nouns {
        if s.actions.is_empty() {
            problems.push(format!("{} declares no actions", noun_name(s.noun)));
        }
        if !d.kinds.iter().any(|k| k.noun == s.noun) {
            problems.push(format!("{} has no kind", noun_name(s.noun)));
        }
    }
    for input in &d.secret_inputs {
        for p in &input.placements {
            let pointer_ok = match &p.target {
                crate::wit::adapter::PlacementTarget::BodyField(f) => f.starts_with('/'),
                crate::wit::adapter::PlacementTarget::Header(h) => !h.is_empty(),
            };
            if !p.path.starts_with('/') || !pointer_ok {
                problems.push(format!(
                    "secret input {}: a placement is malformed",
                    input.name
                ));
            }
        }
    }
    for e in &d.examples {
        let noun = noun_name(e.noun);
        if !supported(e.noun) {
            problems.push(format!("an example is for {noun}, which is not supported"));
        }
        if let Some(kind) = &e.kind
            && !d.kinds.iter().any(|k| k.noun == e.noun && k.kind == *kind)
        {
            problems.push(format!("example {noun}/{kind}: the kind is not declared"));
        }
        for name in &e.secrets {
            if !d.secret_inputs.iter().any(|s| s.name == *name) {
                problems.push(format!(
                    "example {noun}: secret input {name} is not declared"
                ));
            }
        }
        for (part, text) in [("create", &e.create), ("update", &e.update)] {
            if !serde_json::from_str::<Value>(text).is_ok_and(|v| v.is_object()) {
                problems.push(format!("example {noun}: {part} is not a JSON object"));
            }
        }
    }
    if problems.is_empty() {
        report.pass("describe: complete and self-consistent", "");
    } else {
        report.fail(
            "describe: complete and self-consistent",
            problems.join("; "),
        );
    }
}

/// Every entry names its parameters once, and every `{name}` of its path is a path parameter.
fn catalog_checks(ops: &[Operation], report: &mut Report) {
    let mut problems = Vec::new();
    let mut names = std::collections::BTreeSet::new();
    for op in ops {
        if !names.insert(op.name.as_str()) {
            problems.push(format!("{} is listed twice", op.name));
        }
        if !op.path.starts_with('/') {
            problems.push(format!("{}: path {:?} is not absolute", op.name, op.path));
        }
        let in_path: Vec<&str> = op
            .path
            .split('/')
            .filter_map(|s| s.strip_prefix('{').and_then(|s| s.strip_suffix('}')))
            .collect();
        let path_params: Vec<&str> = op
            .parameters
            .iter()
            .filter(|p| p.location == crate::wit::operations::Location::Path)
            .map(|p| p.name.as_str())
            .collect();
        for p in &in_path {
            if !path_params.contains(p) {
                problems.push(format!("{}: {{{p}}} is not a path parameter", op.name));
            }
        }
        for p in &path_params {
            if !in_path.contains(p) {
                problems.push(format!(
                    "{}: path parameter {p} is not in the path",
                    op.name
                ));
            }
        }
    }
    if problems.is_empty() {
        report.pass(
            "catalogue: well-formed",
            format!("{} operations", ops.len()),
        );
    } else {
        report.fail("catalogue: well-formed", problems.join("; "));
    }
}
