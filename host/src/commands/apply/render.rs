//! How a plan and an apply's outcome look: a readable list (`+ gateway edge`, then each field
//! `old → new`) or one JSON document (`-o json`/`yaml`). Secret inputs show as `(secret)`;
//! provider text is made terminal-safe.

use super::diff::{Action, Change, FieldChange, Under};
use super::live::ProfilePlan;
use crate::output::{Format, Printer, terminal_safe};
use crate::wit::noun_name;
use anyhow::Result;
use serde_json::{Value, json};
use std::fmt::Write as _;

/// How many changes of each action a plan holds.
#[derive(Debug, Default, Clone, Copy)]
pub(crate) struct Counts {
    /// `+`
    pub create: usize,
    /// `~`
    pub update: usize,
    /// `-`
    pub delete: usize,
    /// `=`
    pub unchanged: usize,
}

impl Counts {
    /// The counts of `plans`.
    pub(crate) fn of(plans: &[ProfilePlan]) -> Self {
        let mut c = Self::default();
        for change in plans.iter().flat_map(|p| &p.diff.changes) {
            match change.action {
                Action::Create => c.create += 1,
                Action::Update => c.update += 1,
                Action::Delete => c.delete += 1,
                Action::Unchanged => c.unchanged += 1,
            }
        }
        c
    }

    /// Whether anything would change.
    pub(crate) fn pending(&self) -> usize {
        self.create + self.update + self.delete
    }
}

fn value_text(field: &str, v: &Option<Value>) -> String {
    match v {
        None | Some(Value::Null) => "(none)".into(),
        Some(Value::String(s)) if field.starts_with("secrets.") => s.clone(),
        Some(v) => terminal_safe(&v.to_string()).into_owned(),
    }
}

fn field_line(f: &FieldChange, action: Action) -> String {
    let field = terminal_safe(&f.field);
    match action {
        Action::Update => format!(
            "      {field}: {} → {}\n",
            value_text(&f.field, &f.old),
            value_text(&f.field, &f.new)
        ),
        _ => format!("      {field}: {}\n", value_text(&f.field, &f.new)),
    }
}

fn paint(sign: char, color: bool) -> String {
    let code = match sign {
        '+' => "32",
        '-' => "31",
        '~' => "33",
        _ => return sign.to_string(),
    };
    if color {
        format!("\u{1b}[{code}m{sign}\u{1b}[0m")
    } else {
        sign.to_string()
    }
}

fn change_line(c: &Change, color: bool) -> String {
    let mut line = format!(
        "  {} {} {}",
        paint(c.action.sign(), color),
        noun_name(c.noun),
        terminal_safe(&c.label)
    );
    let mut notes = Vec::new();
    if let Some(kind) = c.kind.as_ref().filter(|_| c.action != Action::Create) {
        notes.push(format!("kind {}", terminal_safe(kind)));
    }
    if let Some(id) = &c.id {
        notes.push(format!("id {}", terminal_safe(id)));
    }
    if c.action == Action::Delete {
        notes.push("created by portico, not in the file".into());
    }
    if !notes.is_empty() {
        let _ = write!(line, " ({})", notes.join(", "));
    }
    line.push('\n');
    for f in &c.fields {
        line.push_str(&field_line(f, c.action));
    }
    line
}

fn summary(c: Counts) -> String {
    format!(
        "Plan: {} to create, {} to update, {} to delete, {} unchanged.\n",
        c.create, c.update, c.delete, c.unchanged
    )
}

fn change_json(c: &Change) -> Value {
    json!({
        "action": c.action.word(),
        "noun": noun_name(c.noun),
        "kind": c.kind,
        "name": c.label,
        "id": c.id,
        "parent": match &c.under {
            Under::None => Value::Null,
            Under::Id(id) => json!(id),
            Under::Change(_) => json!("(created by this plan)"),
        },
        "fields": c.fields.iter().map(|f| json!({
            "field": f.field, "old": f.old, "new": f.new,
        })).collect::<Vec<_>>(),
    })
}

/// The plan as one JSON document.
pub(crate) fn plan_json(plans: &[ProfilePlan]) -> Value {
    let c = Counts::of(plans);
    json!({
        "profiles": plans.iter().map(|p| json!({
            "profile": p.profile,
            "adapter": p.description.name,
            "changes": p.diff.changes.iter().map(change_json).collect::<Vec<_>>(),
            "left_alone": p.diff.left_alone,
            "prunable": p.diff.prunable,
            "kept": p.diff.kept,
        })).collect::<Vec<_>>(),
        "summary": {"create": c.create, "update": c.update, "delete": c.delete,
                    "unchanged": c.unchanged},
    })
}

/// Prints the plan; hints (what `--prune` would do) go to stderr.
pub(crate) fn plan(printer: &Printer, plans: &[ProfilePlan]) -> Result<()> {
    if !printer.is_human() {
        return printer.document(&plan_json(plans));
    }
    let mut text = String::new();
    for p in plans {
        let _ = writeln!(
            text,
            "profile {} ({})",
            terminal_safe(&p.profile),
            terminal_safe(&p.description.name)
        );
        if p.diff.changes.is_empty() {
            text.push_str("  (nothing declared)\n");
        }
        for c in &p.diff.changes {
            text.push_str(&change_line(c, printer.color()));
        }
    }
    text.push('\n');
    text.push_str(&summary(Counts::of(plans)));
    printer.text(&text)?;
    for p in plans {
        for kept in &p.diff.kept {
            eprintln!("note: {}: {}", p.profile, terminal_safe(kept));
        }
        if p.diff.prunable > 0 {
            eprintln!(
                "note: {}: {} resource(s) that portico created are not in the file; --prune \
                 deletes them",
                p.profile, p.diff.prunable
            );
        }
    }
    Ok(())
}

/// How one change of an apply ended.
#[derive(Debug, Clone)]
pub(crate) enum Outcome {
    /// Done; the resource's id.
    Done(Option<String>),
    /// The call failed.
    Failed(String),
    /// Not tried: what it waited for failed.
    Skipped(String),
}

/// The outcome of an apply as one JSON document.
pub(crate) fn outcome_json(plans: &[ProfilePlan], outcomes: &[Vec<Option<Outcome>>]) -> Value {
    let mut results = Vec::new();
    for (p, outs) in plans.iter().zip(outcomes) {
        for (c, o) in p.diff.changes.iter().zip(outs) {
            let Some(o) = o else { continue };
            let (status, id, error) = match o {
                Outcome::Done(id) => ("done", id.clone().or_else(|| c.id.clone()), None),
                Outcome::Failed(e) => ("failed", c.id.clone(), Some(e.clone())),
                Outcome::Skipped(e) => ("skipped", c.id.clone(), Some(e.clone())),
            };
            results.push(json!({
                "profile": p.profile, "action": c.action.word(), "noun": noun_name(c.noun),
                "name": c.label, "id": id, "status": status, "error": error,
            }));
        }
    }
    json!({ "results": results })
}

/// Prints what an apply did: failures with their errors, then the counts.
pub(crate) fn outcome(
    printer: &Printer,
    plans: &[ProfilePlan],
    outcomes: &[Vec<Option<Outcome>>],
) -> Result<()> {
    if !matches!(printer.format(), Format::Table | Format::Wide) {
        return printer.document(&outcome_json(plans, outcomes));
    }
    let (mut done, mut failed, mut skipped) = ([0usize; 3], 0, 0);
    let mut text = String::new();
    for (p, outs) in plans.iter().zip(outcomes) {
        for (c, o) in p.diff.changes.iter().zip(outs) {
            match o {
                Some(Outcome::Done(_)) => match c.action {
                    Action::Create => done[0] += 1,
                    Action::Update => done[1] += 1,
                    _ => done[2] += 1,
                },
                Some(Outcome::Failed(e) | Outcome::Skipped(e)) => {
                    let word = if matches!(o, Some(Outcome::Failed(_))) {
                        failed += 1;
                        "failed"
                    } else {
                        skipped += 1;
                        "skipped"
                    };
                    let _ = writeln!(
                        text,
                        "  {word}: {} {} {} ({}): {}",
                        c.action.word(),
                        noun_name(c.noun),
                        terminal_safe(&c.label),
                        terminal_safe(&p.profile),
                        terminal_safe(e)
                    );
                }
                None => {}
            }
        }
    }
    let _ = writeln!(
        text,
        "Apply: {} created, {} updated, {} deleted{}.",
        done[0],
        done[1],
        done[2],
        if failed + skipped > 0 {
            format!(", {failed} failed, {skipped} skipped")
        } else {
            String::new()
        }
    );
    printer.text(&text)
}
