//! The operation catalogue: every provider operation, callable by name.
//!
//! An adapter lists its provider's operations once, as a static table of [`OperationDef`]s, and
//! wraps it in a [`Catalogue`]. The catalogue answers `operations.catalog()`, builds checked
//! requests for the adapter's own noun code ([`Catalogue::request`]), and implements a generic
//! `operations.invoke()` ([`Catalogue::invoke`]): path, query and header parameters are filled
//! from `params`, the JSON body is sent as written (secret placeholders are already in it), a
//! non-2xx answer goes through the API's error mapper, and paginated operations get a `next`
//! cursor from the adapter's [`NextPage`] function.
//!
//! ```
//! use portico_adapter_sdk::operations::{Catalogue, OperationDef, ParamDef};
//!
//! static OPERATIONS: &[OperationDef] = &[OperationDef {
//!     name: "ThingsGet",
//!     method: "GET",
//!     path: "/things/{thingId}",
//!     summary: "Read one thing.",
//!     params: &[ParamDef::path("thingId", "The thing's id.")],
//!     takes_body: false,
//!     paginated: false,
//! }];
//! static CATALOGUE: Catalogue = Catalogue::new(OPERATIONS);
//!
//! let api = portico_adapter_sdk::http::Api::new("https://api.example.com");
//! let request = CATALOGUE.request(&api, "ThingsGet", &[("thingId", "t 1")]).unwrap();
//! assert_eq!(request.url(), "https://api.example.com/things/t%201");
//! assert!(CATALOGUE.request(&api, "ThingsGet", &[("other", "x")]).is_err());
//! ```

use crate::http::{Api, Request, Response};
use crate::{Location, Operation, Outcome, Parameter, Result, cursor, error, url};

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
    /// HTTP method, upper case.
    pub method: &'static str,
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
}

impl OperationDef {
    /// An operation that is not paginated and takes a JSON body when its method is POST, PUT
    /// or PATCH (change that with [`OperationDef::with_body`]).
    pub const fn new(
        name: &'static str,
        method: &'static str,
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
            takes_body: matches!(method.as_bytes(), b"POST" | b"PUT" | b"PATCH"),
            paginated: false,
        }
    }

    /// A paginated collection `GET`.
    pub const fn paged_get(
        name: &'static str,
        path: &'static str,
        summary: &'static str,
        params: &'static [ParamDef],
    ) -> Self {
        Self::new(name, "GET", path, summary, params).paginated()
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

    /// The operation as `operations.catalog()` reports it.
    pub fn to_operation(&self) -> Operation {
        Operation {
            name: self.name.to_owned(),
            method: self.method.to_owned(),
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

    /// A request for this operation with `params` in their places. Unknown parameters and
    /// missing required ones are one `invalid-input` error naming all of them.
    pub fn request<K: AsRef<str>, V: AsRef<str>>(
        &self,
        api: &Api,
        params: &[(K, V)],
    ) -> Result<Request> {
        let unknown: Vec<String> = params
            .iter()
            .map(|(k, _)| k.as_ref())
            .filter(|name| !self.params.iter().any(|p| p.name == *name))
            .map(|name| format!("`{name}`"))
            .collect();
        let missing: Vec<String> = self
            .params
            .iter()
            .filter(|p| p.required && !params.iter().any(|(k, _)| k.as_ref() == p.name))
            .map(|p| format!("`{}`", p.name))
            .collect();
        if !unknown.is_empty() || !missing.is_empty() {
            let mut problems = Vec::new();
            if !unknown.is_empty() {
                let known: Vec<&str> = self.params.iter().map(|p| p.name).collect();
                problems.push(format!(
                    "unknown parameter {} (known: {})",
                    unknown.join(", "),
                    if known.is_empty() {
                        "none".to_owned()
                    } else {
                        known.join(", ")
                    }
                ));
            }
            if !missing.is_empty() {
                problems.push(format!("missing parameter {}", missing.join(", ")));
            }
            return Err(error::invalid_input(format!(
                "operation `{}`: {}",
                self.name,
                problems.join("; ")
            )));
        }

        let value_of = |name: &str| {
            params
                .iter()
                .find(|(k, _)| k.as_ref() == name)
                .map(|(_, v)| v.as_ref())
        };
        let path = url::fill_path(self.path, value_of)?;
        let mut request = api.request(self.method, &path);
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

/// Reads the query parameters of the next page from a response of a paginated operation;
/// `None` on the last page. The pairs become the opaque `next` cursor.
pub type NextPage = fn(&Response) -> Option<Vec<(String, String)>>;

/// A static table of operations, plus how the provider paginates.
#[derive(Clone, Copy, Debug)]
pub struct Catalogue {
    operations: &'static [OperationDef],
    next_page: Option<NextPage>,
}

impl Catalogue {
    /// A catalogue of `operations`, with no pagination support.
    pub const fn new(operations: &'static [OperationDef]) -> Self {
        Self {
            operations,
            next_page: None,
        }
    }

    /// Use `next_page` to find the next page of paginated operations.
    pub const fn with_next_page(mut self, next_page: NextPage) -> Self {
        self.next_page = Some(next_page);
        self
    }

    /// The operation definitions.
    pub fn operations(&self) -> &'static [OperationDef] {
        self.operations
    }

    /// The catalogue as `operations.catalog()` reports it.
    pub fn catalog(&self) -> Vec<Operation> {
        self.operations
            .iter()
            .map(OperationDef::to_operation)
            .collect()
    }

    /// The operation called `name`; `invalid-input` naming it when there is none.
    pub fn find(&self, name: &str) -> Result<&'static OperationDef> {
        self.operations
            .iter()
            .find(|op| op.name == name)
            .ok_or_else(|| error::invalid_input(format!("unknown operation `{name}`")))
    }

    /// A checked request for operation `name` (see [`OperationDef::request`]).
    pub fn request<K: AsRef<str>, V: AsRef<str>>(
        &self,
        api: &Api,
        name: &str,
        params: &[(K, V)],
    ) -> Result<Request> {
        self.find(name)?.request(api, params)
    }

    /// Invoke operation `name` as `operations.invoke` asks: `params` fill the parameters, `body`
    /// is sent verbatim as JSON (it must parse; secret placeholders are already inside it), and
    /// `cursor` (a `next` from an earlier page) overrides the query parameters it carries.
    pub fn invoke<K: AsRef<str>, V: AsRef<str>>(
        &self,
        api: &Api,
        name: &str,
        params: &[(K, V)],
        body: Option<&str>,
        cursor: Option<&str>,
    ) -> Result<Outcome> {
        let op = self.find(name)?;
        let mut request = op.request(api, params)?;

        if let Some(cursor) = cursor.filter(|c| !c.trim().is_empty()) {
            if !op.paginated {
                return Err(error::invalid_input(format!(
                    "operation `{name}` is not paginated and takes no `cursor`"
                )));
            }
            let pairs: Vec<(String, String)> = cursor::decode(cursor)?;
            for (key, value) in pairs {
                request = request.set_query(key, value);
            }
        }

        match (body, op.takes_body) {
            (Some(text), true) => {
                serde_json::from_str::<serde_json::Value>(text)
                    .map_err(|e| error::invalid_input(format!("`body` is not valid JSON: {e}")))?;
                request = request.json_text(text);
            }
            (None, true) => {
                return Err(error::invalid_input(format!(
                    "operation `{name}` needs a JSON `body`"
                )));
            }
            (Some(_), false) => {
                return Err(error::invalid_input(format!(
                    "operation `{name}` takes no `body`"
                )));
            }
            (None, false) => {}
        }

        let response = api.execute(request)?;
        let next = match (op.paginated, self.next_page) {
            (true, Some(next_page)) => next_page(&response)
                .map(|pairs| cursor::encode(&pairs))
                .transpose()?,
            _ => None,
        };
        let body = (!response.body.is_empty()).then(|| response.text());
        Ok(Outcome {
            status: response.status,
            body,
            next,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing;
    use serde_json::json;

    static OPS: &[OperationDef] = &[
        OperationDef {
            name: "ItemsGet",
            method: "GET",
            path: "/groups/{groupId}/items",
            summary: "List items.",
            params: &[
                ParamDef::path("groupId", "Group."),
                ParamDef::query("offset", false, "First item."),
                ParamDef::query("limit", false, "Page size."),
                ParamDef::header("X-Trace", false, "Trace id."),
            ],
            takes_body: false,
            paginated: true,
        },
        OperationDef {
            name: "ItemsPost",
            method: "POST",
            path: "/groups/{groupId}/items",
            summary: "Create an item.",
            params: &[ParamDef::path("groupId", "Group.")],
            takes_body: true,
            paginated: false,
        },
    ];

    fn next_page(response: &Response) -> Option<Vec<(String, String)>> {
        let body = response.json().ok()?;
        let next = body.pointer("/links/next")?.as_str()?;
        Some(url::query_pairs(next))
    }

    static CATALOGUE: Catalogue = Catalogue::new(OPS).with_next_page(next_page);

    fn api() -> Api {
        Api::new("https://api.example.com").with_credential("main")
    }

    #[test]
    fn catalog_lists_every_operation() {
        let catalog = CATALOGUE.catalog();
        assert_eq!(catalog.len(), 2);
        assert_eq!(catalog[0].name, "ItemsGet");
        assert_eq!(catalog[0].parameters.len(), 4);
        assert_eq!(catalog[0].parameters[0].location, Location::Path);
        assert!(catalog[0].parameters[0].required);
        assert!(catalog[0].paginated);
        assert!(catalog[1].takes_body);
    }

    #[test]
    fn request_places_parameters() {
        let request = CATALOGUE
            .request(
                &api(),
                "ItemsGet",
                &[("groupId", "g/1"), ("limit", "5"), ("X-Trace", "abc")],
            )
            .unwrap();
        let wire = request.to_wire();
        assert_eq!(
            wire.url,
            "https://api.example.com/groups/g%2F1/items?limit=5"
        );
        assert!(wire.headers.contains(&("X-Trace".into(), "abc".into())));
        assert_eq!(wire.credential.as_deref(), Some("main"));
    }

    #[test]
    fn unknown_and_missing_parameters_are_named() {
        let err = CATALOGUE
            .request(&api(), "ItemsGet", &[("bogus", "1"), ("other", "2")])
            .unwrap_err();
        assert!(matches!(err, crate::Error::InvalidInput(_)));
        let message = err.message();
        assert!(
            message.contains("`bogus`") && message.contains("`other`"),
            "{message}"
        );
        assert!(message.contains("missing parameter `groupId`"), "{message}");
        let err = CATALOGUE
            .request::<&str, &str>(&api(), "Nope", &[])
            .unwrap_err();
        assert!(err.message().contains("`Nope`"));
    }

    #[test]
    fn invoke_pages_with_cursor() {
        let _host = testing::mock_http(|request| {
            let body = if request.url.contains("offset=2") {
                json!({"items": [3]})
            } else {
                json!({"items": [1, 2], "links": {"next": "https://x/groups/g/items?offset=2&limit=2"}})
            };
            Ok(testing::json_response(200, &body))
        });
        let first = CATALOGUE
            .invoke(
                &api(),
                "ItemsGet",
                &[("groupId", "g"), ("limit", "2")],
                None,
                None,
            )
            .unwrap();
        assert_eq!(first.status, 200);
        let next = first.next.expect("a next cursor");
        let second = CATALOGUE
            .invoke(
                &api(),
                "ItemsGet",
                &[("groupId", "g"), ("limit", "2")],
                None,
                Some(&next),
            )
            .unwrap();
        assert_eq!(second.next, None);
        assert_eq!(
            serde_json::from_str::<serde_json::Value>(second.body.as_deref().unwrap()).unwrap(),
            json!({"items": [3]})
        );
        let urls: Vec<String> = testing::sent().into_iter().map(|r| r.url).collect();
        assert_eq!(
            urls,
            [
                "https://api.example.com/groups/g/items?limit=2",
                "https://api.example.com/groups/g/items?offset=2&limit=2",
            ]
        );
    }

    #[test]
    fn invoke_sends_body_verbatim_and_maps_errors() {
        let _host = testing::mock_http(|request| {
            assert_eq!(request.body.as_deref(), Some(&br#"{"key": "<<psk>>"}"#[..]));
            Ok(testing::json_response(409, &json!({"message": "exists"})))
        });
        let err = CATALOGUE
            .invoke(
                &api(),
                "ItemsPost",
                &[("groupId", "g")],
                Some(r#"{"key": "<<psk>>"}"#),
                None,
            )
            .unwrap_err();
        assert!(matches!(err, crate::Error::Conflict(_)));
        assert_eq!(err.message(), "exists");
    }

    #[test]
    fn invoke_checks_body_and_cursor_before_sending() {
        let _host = testing::mock_http(|_| Ok(testing::empty_response(204)));
        let g = [("groupId", "g")];
        let bad_json = CATALOGUE.invoke(&api(), "ItemsPost", &g, Some("{"), None);
        assert!(bad_json.unwrap_err().message().contains("`body`"));
        let no_body = CATALOGUE.invoke(&api(), "ItemsPost", &g, None, None);
        assert!(no_body.unwrap_err().message().contains("`body`"));
        let extra_body = CATALOGUE.invoke(&api(), "ItemsGet", &g, Some("{}"), None);
        assert!(extra_body.unwrap_err().message().contains("`body`"));
        let bad_cursor = CATALOGUE.invoke(&api(), "ItemsGet", &g, None, Some("!!"));
        assert!(bad_cursor.unwrap_err().message().contains("cursor"));
        let unpaged_cursor = CATALOGUE.invoke(&api(), "ItemsPost", &g, Some("{}"), Some("e30"));
        assert!(unpaged_cursor.unwrap_err().message().contains("cursor"));
        assert!(testing::sent().is_empty());
        let ok = CATALOGUE
            .invoke(&api(), "ItemsPost", &g, Some("{}"), None)
            .unwrap();
        assert_eq!((ok.status, ok.body, ok.next), (204, None, None));
    }
}
