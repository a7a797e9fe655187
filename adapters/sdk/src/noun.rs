//! One noun of an adapter: what it implements and declares ([`NounDef`]), and the checks the
//! contract asks for before an adapter function runs.
//!
//! A noun module declares its noun once, as a constant, next to the functions it names:
//!
//! ```
//! use portico_adapter_sdk::{self as sdk, Locator, ParentRule, Query, Tunnel, TunnelPage};
//! use sdk::NounDef;
//!
//! /// IPSec tunnels of a gateway: list and get only.
//! pub const TUNNELS: NounDef<Tunnel> = NounDef::child(ParentRule::Required)
//!     .kinds(&[("ipsec", "IPSec tunnel")])
//!     .filters(&[("name", "tunnels whose name contains VALUE")])
//!     .on_list(list)
//!     .on_get(get);
//!
//! fn list(query: Query) -> sdk::Result<TunnelPage> {
//!     let gateway = query.parent()?; // present: the SDK checked it
//!     Ok(TunnelPage { items: vec![], next: None, ahead: Vec::new() })
//! }
//! fn get(target: Locator) -> sdk::Result<Tunnel> {
//!     Err(sdk::error::not_found(format!("no tunnel {}", target.id)))
//! }
//!
//! let support = TUNNELS.support().unwrap();
//! assert_eq!(support.actions, [sdk::Action::List, sdk::Action::Get]);
//! let query = |filters: Vec<(String, String)>| Query {
//!     parent_id: Some("g1".into()), kind: None, filters,
//!     page: sdk::Page { limit: None, cursor: None },
//! };
//! assert!(TUNNELS.list(query(vec![])).is_ok());
//! let err = TUNNELS.list(query(vec![("zone".into(), "a".into())])).unwrap_err();
//! assert_eq!(err.field(), Some("filters.zone"));
//! ```
//!
//! The answers to undeclared input (all `invalid-input`, naming the field): a `kind` the noun
//! does not declare (`kind`); a filter key it does not declare (`filters.KEY`); a `parent-id` on
//! a top-level noun, or none on a noun whose parent is required (`parent-id`); on update, a
//! `kind` or `parent-id` that differs between the locator and the spec; labels on a noun
//! without labels (`labels`); a non-empty `clear` on create, or one naming a field that is not a
//! typed field of the spec or that the spec also sets (`clear` or the field). An action the noun
//! does not implement answers `unsupported`.

use crate::bindings::exports::portico::adapter::adapter::FilterSpec;
pub use crate::records::{Record, Spec, noun_name};
use crate::{
    Action, Error, KindInfo, Locator, NounSupport, ParentRule, Query, Result, error, json,
    reconcile,
};

/// Gives the id the provider will give a resource created from a spec.
type IdFromSpec<R> = fn(&<R as Record>::Spec) -> Option<String>;
/// Implements `list`.
type ListFn<R> = fn(Query) -> Result<<R as Record>::Page>;
/// Implements `update`.
type UpdateFn<R> = fn(Locator, <R as Record>::Spec) -> Result<R>;

/// One noun of an adapter: the functions that implement its actions and what it declares
/// (kinds, parent rule, list filters, labels, unique names). Build it with the `const`
/// builders; the declared actions are exactly the functions given with `on_*`.
pub struct NounDef<R: Record> {
    rules: Rules,
    id_from_spec: Option<IdFromSpec<R>>,
    list: Option<ListFn<R>>,
    get: Option<fn(Locator) -> Result<R>>,
    create: Option<fn(R::Spec) -> Result<R>>,
    update: Option<UpdateFn<R>>,
    delete: Option<fn(Locator) -> Result<()>>,
}

/// Which kinds of a noun carry a free-text description.
#[derive(Clone, Copy)]
enum Descriptions {
    None,
    All,
    Kinds(&'static [&'static str]),
}

impl Descriptions {
    fn of(self, kind: &str) -> bool {
        match self {
            Descriptions::None => false,
            Descriptions::All => true,
            Descriptions::Kinds(kinds) => kinds.contains(&kind),
        }
    }
}

/// What a noun declares, apart from its functions: the same for every record type, so that the
/// checks are compiled once rather than once per noun.
#[derive(Clone, Copy)]
struct Rules {
    noun: crate::Noun,
    kinds: &'static [(&'static str, &'static str)],
    parent: ParentRule,
    filters: &'static [(&'static str, &'static str)],
    labels: bool,
    descriptions: Descriptions,
    ipsec: Option<&'static crate::ipsec::Support>,
    unique_names: bool,
    unsupported_note: Option<&'static str>,
}

impl<R: Record> Clone for NounDef<R> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<R: Record> Copy for NounDef<R> {}

impl<R: Record> NounDef<R> {
    /// A top-level noun (parent rule `none`) with no kinds, filters, labels or actions yet.
    pub const fn top_level() -> Self {
        Self::child(ParentRule::None)
    }

    /// A noun whose resources live under a gateway: `parent` is `required` or `optional`.
    pub const fn child(parent: ParentRule) -> Self {
        Self {
            rules: Rules {
                noun: R::NOUN,
                kinds: &[],
                parent,
                filters: &[],
                labels: false,
                descriptions: Descriptions::None,
                ipsec: None,
                unique_names: false,
                unsupported_note: None,
            },
            id_from_spec: None,
            list: None,
            get: None,
            create: None,
            update: None,
            delete: None,
        }
    }

    /// The noun's kinds: `(kind, description)`.
    pub const fn kinds(mut self, kinds: &'static [(&'static str, &'static str)]) -> Self {
        self.rules.kinds = kinds;
        self
    }

    /// The filters `list` honours: `(key, description)`. Any other key is refused.
    pub const fn filters(mut self, filters: &'static [(&'static str, &'static str)]) -> Self {
        self.rules.filters = filters;
        self
    }

    /// Records carry the provider's labels (tags) and specs set them.
    pub const fn labels(mut self) -> Self {
        self.rules.labels = true;
        self
    }

    /// Records of every kind carry a free-text description and specs set it.
    pub const fn descriptions(mut self) -> Self {
        self.rules.descriptions = Descriptions::All;
        self
    }

    /// Records of these kinds (only) carry a free-text description and specs set it.
    pub const fn descriptions_of(mut self, kinds: &'static [&'static str]) -> Self {
        self.rules.descriptions = Descriptions::Kinds(kinds);
        self
    }

    /// Every kind of the noun (tunnels) has IPSec parameters; `support` says what the provider
    /// accepts. A spec's `ipsec` outside it is refused before the adapter's function runs.
    pub const fn ipsec(mut self, support: &'static crate::ipsec::Support) -> Self {
        self.rules.ipsec = Some(support);
        self
    }

    /// The provider enforces unique names among siblings, so a name finds a resource again
    /// (a create whose outcome is unknown is looked up by name).
    pub const fn unique_names(mut self) -> Self {
        self.rules.unique_names = true;
        self
    }

    /// Why the actions the noun does not implement are missing, added to their `unsupported`
    /// answers (what to do instead).
    pub const fn unsupported_note(mut self, note: &'static str) -> Self {
        self.rules.unsupported_note = Some(note);
        self
    }

    /// The provider names a new resource by something in its spec (an address, a key): `id`
    /// gives that id, so a create whose outcome is unknown is looked up with `get`.
    pub const fn id_from_spec(mut self, id: IdFromSpec<R>) -> Self {
        self.id_from_spec = Some(id);
        self
    }

    /// Implement `list`.
    pub const fn on_list(mut self, list: ListFn<R>) -> Self {
        self.list = Some(list);
        self
    }

    /// Implement `get`.
    pub const fn on_get(mut self, get: fn(Locator) -> Result<R>) -> Self {
        self.get = Some(get);
        self
    }

    /// Implement `create`.
    pub const fn on_create(mut self, create: fn(R::Spec) -> Result<R>) -> Self {
        self.create = Some(create);
        self
    }

    /// Implement `update`.
    pub const fn on_update(mut self, update: UpdateFn<R>) -> Self {
        self.update = Some(update);
        self
    }

    /// Implement `delete`.
    pub const fn on_delete(mut self, delete: fn(Locator) -> Result<()>) -> Self {
        self.delete = Some(delete);
        self
    }

    /// The actions implemented, in contract order.
    pub fn actions(&self) -> Vec<Action> {
        [
            (self.list.is_some(), Action::List),
            (self.get.is_some(), Action::Get),
            (self.create.is_some(), Action::Create),
            (self.update.is_some(), Action::Update),
            (self.delete.is_some(), Action::Delete),
        ]
        .into_iter()
        .filter_map(|(implemented, action)| implemented.then_some(action))
        .collect()
    }

    /// The capability declaration; `None` when the noun implements no action.
    pub fn support(&self) -> Option<NounSupport> {
        let actions = self.actions();
        (!actions.is_empty()).then(|| NounSupport {
            noun: R::NOUN,
            actions,
            parent: self.rules.parent,
            filters: self
                .rules
                .filters
                .iter()
                .map(|(key, description)| FilterSpec {
                    key: (*key).to_owned(),
                    description: (*description).to_owned(),
                })
                .collect(),
            labels: self.rules.labels,
            unique_names: self.rules.unique_names,
        })
    }

    /// The declared kinds; none when the noun implements no action.
    pub fn kind_infos(&self) -> Vec<KindInfo> {
        if self.actions().is_empty() {
            return Vec::new();
        }
        self.rules
            .kinds
            .iter()
            .map(|(kind, description)| KindInfo {
                noun: R::NOUN,
                kind: (*kind).to_owned(),
                description: (*description).to_owned(),
                descriptions: self.rules.descriptions.of(kind),
                ipsec: self.rules.ipsec.map(crate::ipsec::Support::declared),
            })
            .collect()
    }

    fn unsupported(&self, action: &str) -> Error {
        self.rules.unsupported(action)
    }

    /// `list`, after checking filters, kind and parent.
    pub fn list(&self, mut query: Query) -> Result<R::Page> {
        let list = self.list.ok_or_else(|| self.unsupported("list"))?;
        self.rules.check_query(&mut query)?;
        list(query)
    }

    /// `get`, after checking kind and parent.
    pub fn get(&self, mut target: Locator) -> Result<R> {
        let get = self.get.ok_or_else(|| self.unsupported("get"))?;
        self.rules.check_locator(&mut target)?;
        get(target)
    }

    /// `create`, after checking the spec; a create whose outcome is unknown is reconciled.
    pub fn create(&self, spec: R::Spec) -> Result<R> {
        let create = self.create.ok_or_else(|| self.unsupported("create"))?;
        self.rules.check_create(&checks::view(&spec))?;
        let lookup = self.lookup(&spec);
        reconcile::create(|| create(spec), lookup)
    }

    /// `update`, after checking the locator and the spec; the locator's `parent-id` is the
    /// spec's when only the spec names one, and its `kind` the spec's when only it names one.
    pub fn update(&self, mut target: Locator, spec: R::Spec) -> Result<R> {
        let update = self.update.ok_or_else(|| self.unsupported("update"))?;
        self.rules.check_update(&mut target, &checks::view(&spec))?;
        update(target, spec)
    }

    /// `delete`, after checking kind and parent; a delete whose outcome is unknown is checked
    /// with `get`.
    pub fn delete(&self, mut target: Locator) -> Result<()> {
        let delete = self.delete.ok_or_else(|| self.unsupported("delete"))?;
        self.rules.check_locator(&mut target)?;
        let what = format!("{} `{}`", noun_name(R::NOUN), target.id.trim());
        let check = target.clone();
        let get = self.get.map(|get| move || get(check));
        reconcile::delete(&what, || delete(target), get)
    }

    /// How a created resource is found again when the create's outcome is unknown.
    fn lookup(&self, spec: &R::Spec) -> reconcile::Lookup<'static, R> {
        let name = json::non_blank(spec.name()).map(|n| n.trim().to_owned());
        let parent = json::non_blank(spec.parent_id()).map(|p| p.trim().to_owned());
        let kind = json::non_blank(spec.kind()).map(|k| k.trim().to_owned());
        let what = self.rules.created(name.as_deref(), parent.as_deref());
        if let (Some(id_of), Some(get)) = (self.id_from_spec, self.get)
            && let Some(id) = id_of(spec)
        {
            let locator = Locator {
                id,
                parent_id: parent,
                kind,
            };
            return reconcile::Lookup::find(what, move || match get(locator) {
                Ok(found) => Ok(Some(found)),
                Err(err) if err.is_not_found() => Ok(None),
                Err(err) => Err(err),
            });
        }
        // By name: the one resource with it where names are unique; where they are not, the
        // only one with it (several are ambiguous, and then the error says so).
        let unique = self.rules.unique_names;
        match (name, self.list) {
            (Some(name), Some(list)) => reconcile::Lookup::find(what, move || {
                let page = |cursor| {
                    let query = Query {
                        parent_id: parent.clone(),
                        kind: kind.clone(),
                        filters: Vec::new(),
                        page: crate::Page {
                            limit: None,
                            cursor,
                        },
                    };
                    list(query).map(R::into_parts)
                };
                if unique {
                    reconcile::find_by_name(&name, page)
                } else {
                    reconcile::find_only_by_name(&name, page)
                }
            }),
            _ => reconcile::Lookup::NoKey { what },
        }
    }
}

/// The kinds of one noun as an adapter's enum: [`KindSet::parse`] and [`KindSet::selected`] come
/// with it.
///
/// ```
/// use portico_adapter_sdk::noun::KindSet;
/// #[derive(Clone, Copy, Debug, PartialEq)]
/// enum Kind { Gate, Mirroring }
/// impl KindSet for Kind {
///     const ALL: &'static [Kind] = &[Kind::Gate, Kind::Mirroring];
///     fn name(self) -> &'static str {
///         match self { Kind::Gate => "gate", Kind::Mirroring => "mirroring" }
///     }
/// }
/// assert_eq!(Kind::selected(None).unwrap(), Kind::ALL);
/// assert_eq!(Kind::selected(Some(" gate ")).unwrap(), [Kind::Gate]);
/// assert_eq!(Kind::parse("wireguard").unwrap_err().field(), Some("kind"));
/// ```
pub trait KindSet: Copy + Sized + 'static {
    /// Every kind, in the order lists and lookups walk them.
    const ALL: &'static [Self];

    /// The kind's name in the contract.
    fn name(self) -> &'static str;

    /// The kind called `kind`; `invalid-input` naming `kind` for any other name.
    fn parse(kind: &str) -> Result<Self> {
        let kind = kind.trim();
        Self::ALL
            .iter()
            .copied()
            .find(|k| k.name() == kind)
            .ok_or_else(|| {
                let names: Vec<String> = Self::ALL
                    .iter()
                    .map(|k| format!("`{}`", k.name()))
                    .collect();
                error::invalid_input_field(
                    "kind",
                    format!("`kind` must be {}, got `{kind}`", names.join(" or ")),
                )
            })
    }

    /// The kind named, or, when none is, the kind of the existing resource: `lookup` finds it
    /// and answers its kind's name.
    fn given_or(kind: Option<&str>, lookup: impl FnOnce() -> Result<String>) -> Result<Self> {
        match json::non_blank(kind) {
            Some(kind) => Self::parse(kind),
            None => Self::parse(&lookup()?),
        }
    }

    /// The kinds a `kind` selects: all of them when it is absent or blank.
    fn selected(kind: Option<&str>) -> Result<Vec<Self>> {
        match json::non_blank(kind) {
            Some(kind) => Ok(vec![Self::parse(kind)?]),
            None => Ok(Self::ALL.to_vec()),
        }
    }
}

/// `invalid-input` for a child noun called without its parent.
pub fn missing_parent(noun: &str) -> Error {
    error::invalid_input_field(
        "parent-id",
        format!(
            "missing `parent-id`: every {noun} belongs to a gateway (give its id as the parent)"
        ),
    )
}

impl Query {
    /// The parent id; `invalid-input` naming `parent-id` when there is none. After the SDK's
    /// checks it is always present for a noun whose parent is required.
    pub fn parent(&self) -> Result<&str> {
        json::non_blank(self.parent_id.as_deref())
            .map(str::trim)
            .ok_or_else(|| missing_parent("resource"))
    }
}

impl Locator {
    /// The parent id; `invalid-input` naming `parent-id` when there is none (see
    /// [`Query::parent`]). On update it is the spec's when only the spec named one.
    pub fn parent(&self) -> Result<&str> {
        json::non_blank(self.parent_id.as_deref())
            .map(str::trim)
            .ok_or_else(|| missing_parent("resource"))
    }
}

mod checks;
#[cfg(test)]
mod tests;
