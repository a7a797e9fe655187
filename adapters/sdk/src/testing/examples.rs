//! The adapter's examples (`description.examples`) checked against its declaration, and turned
//! into specs a test can create and update with.

#![expect(
    clippy::panic,
    reason = "test helpers report a bad example by failing the test"
)]

use serde_json::Value;

use crate::records::noun_name;
use crate::{Action, Adapter, Description, Example, Noun, ParentRule, Spec, testing};

/// Check the adapter's examples against its own declaration, as the conformance suite will use
/// them: every noun and kind it can create has an example; each example names a declared noun
/// that implements `create`, a declared kind, and (for a child noun) the kind of a gateway that
/// has an example itself; its create and update parse as the noun's spec; the update sets at
/// least one typed field; the secrets it names are declared secret inputs used by that noun's
/// create. An update of `{}` says the noun (or this kind of it) cannot be updated; it is allowed
/// only then. Returns how many examples were checked.
pub fn assert_examples(adapter: &Adapter) -> usize {
    let description = adapter.describe();
    for support in &description.nouns {
        if !support.actions.contains(&Action::Create) {
            continue;
        }
        let kinds: Vec<Option<&str>> = kinds_of(&description, support.noun)
            .into_iter()
            .map(Some)
            .collect();
        for kind in if kinds.is_empty() { vec![None] } else { kinds } {
            assert!(
                description
                    .examples
                    .iter()
                    .any(|e| e.noun == support.noun && e.kind.as_deref() == kind),
                "{} {kind:?} can be created but has no example",
                noun_name(support.noun)
            );
        }
    }
    for example in &description.examples {
        check(&description, example);
    }
    description.examples.len()
}

fn kinds_of(description: &Description, noun: Noun) -> Vec<&str> {
    description
        .kinds
        .iter()
        .filter(|k| k.noun == noun)
        .map(|k| k.kind.as_str())
        .collect()
}

fn check(description: &Description, example: &Example) {
    let noun = noun_name(example.noun);
    let what = format!("the example {noun} {:?}", example.kind);
    let support = description
        .nouns
        .iter()
        .find(|n| n.noun == example.noun)
        .unwrap_or_else(|| panic!("{what}: the adapter does not serve {noun}s"));
    assert!(
        support.actions.contains(&Action::Create),
        "{what}: {noun}s cannot be created"
    );
    if let Some(kind) = &example.kind {
        assert!(
            kinds_of(description, example.noun).contains(&kind.as_str()),
            "{what}: `{kind}` is not a declared kind"
        );
    }
    match (support.parent, &example.parent_kind) {
        (ParentRule::None, Some(parent)) => {
            panic!("{what}: a top-level noun has no parent kind (got `{parent}`)")
        }
        (ParentRule::None | ParentRule::Optional, None) => {}
        (ParentRule::Required, None) => {
            panic!("{what}: a child noun names the kind of its parent")
        }
        (_, Some(parent)) => assert!(
            description
                .examples
                .iter()
                .any(|e| e.noun == Noun::Gateway && e.kind.as_deref() == Some(parent.as_str())),
            "{what}: the parent kind `{parent}` has no gateway example to create it from"
        ),
    }
    for name in &example.secrets {
        let input = description
            .secret_inputs
            .iter()
            .find(|s| s.name == *name)
            .unwrap_or_else(|| panic!("{what}: `{name}` is not a declared secret input"));
        assert!(
            input.used_by.contains(&format!("{noun}.create")),
            "{what}: secret input `{name}` is not used by {noun}.create"
        );
    }
    let create = parse(&example.create, &what);
    let update = parse(&example.update, &what);
    for (text, label) in [(&create, "create"), (&update, "update")] {
        let result = match example.noun {
            Noun::Gateway => crate::GatewaySpec::from_example(text).map(drop),
            Noun::Tunnel => crate::TunnelSpec::from_example(text).map(drop),
            Noun::Peer => crate::PeerSpec::from_example(text).map(drop),
            Noun::Mapping => crate::MappingSpec::from_example(text).map(drop),
        };
        if let Err(problem) = result {
            panic!("{what}: the {label} spec does not parse: {problem}");
        }
    }
    if !support.actions.contains(&Action::Update) {
        assert_eq!(
            update,
            Value::Object(serde_json::Map::new()),
            "{what}: {noun}s cannot be updated, so the update is `{{}}`"
        );
        return;
    }
    let sets_a_field = match example.noun {
        Noun::Gateway => sets_field::<crate::GatewaySpec>(&update),
        Noun::Tunnel => sets_field::<crate::TunnelSpec>(&update),
        Noun::Peer => sets_field::<crate::PeerSpec>(&update),
        Noun::Mapping => sets_field::<crate::MappingSpec>(&update),
    };
    let not_updatable = update == Value::Object(serde_json::Map::new());
    assert!(
        sets_a_field || not_updatable,
        "{what}: the update changes no typed field"
    );
}

fn parse(text: &str, what: &str) -> Value {
    serde_json::from_str(text).unwrap_or_else(|e| panic!("{what}: not JSON: {e}"))
}

fn sets_field<S: Spec>(update: &Value) -> bool {
    S::from_example(update).is_ok_and(|spec| S::FIELDS.iter().any(|f| spec.is_set(f)))
}

/// Which spec of an example.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Step {
    /// The create spec.
    Create,
    /// The update spec.
    Update,
}

/// The spec of `example`'s create or update as the suite would send it: the create with the
/// example's kind, both with `parent` as their parent id (for a child noun) and the example's
/// secrets as [`testing::secret`] placeholders.
pub fn example_spec<S: Spec + ExampleSpec>(
    example: &Example,
    step: Step,
    parent: Option<&str>,
) -> S {
    let text = match step {
        Step::Create => &example.create,
        Step::Update => &example.update,
    };
    let mut spec = S::from_example(&parse(text, "the example"))
        .unwrap_or_else(|e| panic!("the example does not parse: {e}"));
    let kind = match step {
        Step::Create => example.kind.clone(),
        Step::Update => None,
    };
    spec.complete(
        kind,
        parent.map(str::to_owned),
        example.secrets.iter().map(|n| testing::secret(n)).collect(),
    );
    spec
}

/// Fills in what an example leaves to the suite.
pub trait ExampleSpec {
    /// Set the kind (when given), the parent id and the secret inputs.
    fn complete(
        &mut self,
        kind: Option<String>,
        parent: Option<String>,
        secrets: Vec<crate::SecretInput>,
    );
}

impl ExampleSpec for crate::GatewaySpec {
    fn complete(
        &mut self,
        kind: Option<String>,
        _parent: Option<String>,
        secrets: Vec<crate::SecretInput>,
    ) {
        self.kind = kind.or(self.kind.take());
        self.secrets = secrets;
    }
}

macro_rules! child_example {
    ($($spec:ident),*) => {$(
        impl ExampleSpec for crate::$spec {
            fn complete(
                &mut self,
                kind: Option<String>,
                parent: Option<String>,
                secrets: Vec<crate::SecretInput>,
            ) {
                self.kind = kind.or(self.kind.take());
                self.parent_id = parent.or(self.parent_id.take());
                self.secrets = secrets;
            }
        }
    )*};
}

child_example!(TunnelSpec, PeerSpec, MappingSpec);
