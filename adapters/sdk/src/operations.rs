//! The operation catalogue: every provider operation, callable by name.
//!
//! An adapter lists its provider's operations once, as a static table of [`OperationDef`]s, and
//! wraps it in a [`Catalogue`] that also knows how to reach the API (`with_api`) and how the
//! provider pages (`with_next_page`). The catalogue answers `operations.catalog()`, builds and
//! sends checked requests for the adapter's own noun code ([`Catalogue::call`],
//! [`Catalogue::request`]), and implements `operations.invoke()` ([`Operations`]): path, query
//! and header parameters are filled from `params`, the JSON body is sent as written (secret
//! placeholders are already in it), the request goes through the API's signing hook and error
//! mapper, and paginated operations get a `next` cursor.
//!
//! As the contract says, an unknown operation name is `unsupported`, and a missing or unknown
//! parameter is `invalid-input` with field `param:NAME`.
//!
//! ```
//! use portico_adapter_sdk::operations::{Catalogue, OperationDef, ParamDef};
//! use portico_adapter_sdk::{Method, http::Api};
//!
//! static OPERATIONS: &[OperationDef] = &[OperationDef::new(
//!     "ThingsGet",
//!     Method::Get,
//!     "/things/{thingId}",
//!     "Read one thing.",
//!     &[ParamDef::path("thingId", "The thing's id.")],
//! )];
//! fn api() -> portico_adapter_sdk::Result<Api> {
//!     Ok(Api::new("https://api.example.com"))
//! }
//! static CATALOGUE: Catalogue = Catalogue::new(OPERATIONS).with_api(api);
//!
//! let request = CATALOGUE.request(&api().unwrap(), "ThingsGet", &[("thingId", "t 1")]).unwrap();
//! assert_eq!(request.url(), "https://api.example.com/things/t%201");
//! let err = CATALOGUE.request(&api().unwrap(), "ThingsGet", &[("other", "x")]).unwrap_err();
//! assert_eq!(err.field(), Some("param:other"));
//! ```

mod catalogue;

pub use catalogue::{ApiFactory, Catalogue, NextPage};

use crate::http::{Api, Request};
use crate::{
    Json, Location, Method, Operation, Outcome, Parameter, PlacementTarget, Result, SecretInput,
    SecretPlacement, error, url,
};

/// One parameter of an operation.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct ParamDef {
    /// Name as the provider spells it.
    pub name: &'static str,
    /// Where it goes.
    pub location: Location,
    /// Whether the operation needs it.
    pub required: bool,
    /// What it means.
    pub description: &'static str,
}

impl ParamDef {
    /// A required `{name}` path segment.
    pub const fn path(name: &'static str, description: &'static str) -> Self {
        Self {
            name,
            location: Location::Path,
            required: true,
            description,
        }
    }

    /// A query-string parameter.
    pub const fn query(name: &'static str, required: bool, description: &'static str) -> Self {
        Self {
            name,
            location: Location::Query,
            required,
            description,
        }
    }

    /// A request header.
    pub const fn header(name: &'static str, required: bool, description: &'static str) -> Self {
        Self {
            name,
            location: Location::Header,
            required,
            description,
        }
    }
}

/// One provider operation.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct OperationDef {
    /// The provider's operation id.
    pub name: &'static str,
    /// HTTP method.
    pub method: Method,
    /// Path template under the API's base URL, with `{name}` segments.
    pub path: &'static str,
    /// One line about it.
    pub summary: &'static str,
    /// Its parameters.
    pub params: &'static [ParamDef],
    /// Whether it takes a JSON body.
    pub takes_body: bool,
    /// Whether it returns a paged collection.
    pub paginated: bool,
    /// The body sent when an invocation gives none (for operations whose body is optional).
    pub default_body: Option<&'static str>,
    /// Whether the host may send the request again after a failure, when that differs from
    /// its method's default (a POST that is a put by key is idempotent).
    pub idempotent: Option<bool>,
}

impl OperationDef {
    /// An operation that is not paginated and takes a JSON body when its method is POST, PUT
    /// or PATCH (change that with [`OperationDef::with_body`]).
    pub const fn new(
        name: &'static str,
        method: Method,
        path: &'static str,
        summary: &'static str,
        params: &'static [ParamDef],
    ) -> Self {
        Self {
            name,
            method,
            path,
            summary,
            params,
            takes_body: matches!(method, Method::Post | Method::Put | Method::Patch),
            paginated: false,
            default_body: None,
            idempotent: None,
        }
    }

    /// A paginated collection `GET`.
    pub const fn paged_get(
        name: &'static str,
        path: &'static str,
        summary: &'static str,
        params: &'static [ParamDef],
    ) -> Self {
        Self::new(name, Method::Get, path, summary, params).paginated()
    }

    /// The same operation, taking a JSON body or not.
    pub const fn with_body(mut self, takes_body: bool) -> Self {
        self.takes_body = takes_body;
        self
    }

    /// The same operation, returning a paged collection.
    pub const fn paginated(mut self) -> Self {
        self.paginated = true;
        self
    }

    /// The same operation, idempotent or not whatever its method (see
    /// [`crate::http::Request::idempotent`]): the host retries an idempotent request itself.
    pub const fn idempotent(mut self, idempotent: bool) -> Self {
        self.idempotent = Some(idempotent);
        self
    }

    /// The same operation, sending `body` when an invocation gives none.
    pub const fn with_default_body(mut self, body: &'static str) -> Self {
        self.takes_body = true;
        self.default_body = Some(body);
        self
    }

    /// The operation as `operations.catalog()` reports it.
    pub fn to_operation(&self) -> Operation {
        Operation {
            name: self.name.to_owned(),
            method: self.method,
            path: self.path.to_owned(),
            summary: self.summary.to_owned(),
            parameters: self
                .params
                .iter()
                .map(|p| Parameter {
                    name: p.name.to_owned(),
                    location: p.location,
                    required: p.required,
                    description: p.description.to_owned(),
                })
                .collect(),
            takes_body: self.takes_body,
            paginated: self.paginated,
        }
    }

    /// A secret placement in this operation's body: the JSON `pointer` (`*` for any array
    /// element) of the field whose whole value is the placeholder.
    pub fn placement(&self, pointer: &str) -> SecretPlacement {
        SecretPlacement {
            method: self.method,
            path: self.path.to_owned(),
            target: PlacementTarget::BodyField(pointer.to_owned()),
        }
    }

    /// A request for this operation with `params` in their places. Unknown parameters and
    /// missing required ones are one `invalid-input` error naming all of them; its field is
    /// `param:NAME` of the first.
    pub fn request<K: AsRef<str>, V: AsRef<str>>(
        &self,
        api: &Api,
        params: &[(K, V)],
    ) -> Result<Request> {
        let unknown: Vec<&str> = params
            .iter()
            .map(|(k, _)| k.as_ref())
            .filter(|name| !self.params.iter().any(|p| p.name == *name))
            .collect();
        let missing: Vec<&str> = self
            .params
            .iter()
            .filter(|p| p.required && !params.iter().any(|(k, _)| k.as_ref() == p.name))
            .map(|p| p.name)
            .collect();
        if let Some(first) = unknown.first().or(missing.first()) {
            let quoted = |names: &[&str]| {
                names
                    .iter()
                    .map(|n| format!("`{n}`"))
                    .collect::<Vec<_>>()
                    .join(", ")
            };
            let mut problems = Vec::new();
            if !unknown.is_empty() {
                let known: Vec<&str> = self.params.iter().map(|p| p.name).collect();
                let known = if known.is_empty() {
                    "none".to_owned()
                } else {
                    known.join(", ")
                };
                problems.push(format!(
                    "unknown parameter {} (known: {known})",
                    quoted(&unknown)
                ));
            }
            if !missing.is_empty() {
                problems.push(format!("missing parameter {}", quoted(&missing)));
            }
            return Err(error::invalid_input_field(
                format!("param:{first}"),
                format!("operation `{}`: {}", self.name, problems.join("; ")),
            ));
        }

        let value_of = |name: &str| {
            params
                .iter()
                .find(|(k, _)| k.as_ref() == name)
                .map(|(_, v)| v.as_ref())
        };
        let path = url::fill_path(self.path, value_of)?;
        let mut request = api.request(self.method, &path);
        if let Some(idempotent) = self.idempotent {
            request = request.idempotent(idempotent);
        }
        for (name, value) in params {
            let location = self
                .params
                .iter()
                .find(|p| p.name == name.as_ref())
                .map(|p| p.location);
            request = match location {
                Some(Location::Query) => request.query(name.as_ref(), value.as_ref()),
                Some(Location::Header) => request.header(name.as_ref(), value.as_ref()),
                Some(Location::Path) | None => request,
            };
        }
        Ok(request)
    }
}

impl crate::Body {
    /// The body text, JSON or not.
    pub fn as_str(&self) -> &str {
        match self {
            crate::Body::Json(text) | crate::Body::Text(text) => text,
        }
    }

    /// The body parsed as JSON; text that is not JSON is a `provider` error.
    pub fn json(&self) -> Result<serde_json::Value> {
        serde_json::from_str(self.as_str())
            .map_err(|e| error::provider(format!("the body is not JSON: {e}")))
    }
}

/// The `operations` export: a catalogue and how to invoke it. [`Catalogue`] implements it; an
/// adapter with operations of its own kind (a test probe) implements it on its own type.
pub trait Operations {
    /// Every operation the adapter can invoke.
    fn catalog(&self) -> Vec<Operation>;

    /// Invoke an operation by name. `params` fill path, query and header parameters, `cursor`
    /// continues a paginated operation, and `secrets` lists the placeholders the host put in
    /// place of secret values (they are already inside `body`, where the user wrote them).
    /// An unknown name is `unsupported`.
    fn invoke(
        &self,
        name: String,
        params: Vec<(String, String)>,
        body: Option<Json>,
        cursor: Option<String>,
        secrets: Vec<SecretInput>,
    ) -> Result<Outcome>;
}

/// An empty catalogue: every name is unknown.
pub struct NoOperations;

/// The catalogue of an adapter that names none.
pub static NO_OPERATIONS: NoOperations = NoOperations;

impl Operations for NoOperations {
    fn catalog(&self) -> Vec<Operation> {
        Vec::new()
    }

    fn invoke(
        &self,
        name: String,
        _params: Vec<(String, String)>,
        _body: Option<Json>,
        _cursor: Option<String>,
        _secrets: Vec<SecretInput>,
    ) -> Result<Outcome> {
        Err(error::unsupported(format_args!("operation `{name}`")))
    }
}
