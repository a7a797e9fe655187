//! [`Catalogue`]: a static table of operations plus how to reach and page the API.

use serde_json::Value;

use super::{OperationDef, Operations};
use crate::http::{Api, Request, Response};
use crate::{Body, Json, Operation, Outcome, Result, SecretInput, SecretPlacement, cursor, error};

/// Reads the query parameters of the next page from a request of a paginated operation and
/// its response; `None` on the last page. The pairs become the opaque `next` cursor.
pub type NextPage = fn(&Request, &Response) -> Option<Vec<(String, String)>>;

/// The API client of the active profile.
pub type ApiFactory = fn() -> Result<Api>;

/// A static table of operations, plus how to reach the API and how the provider paginates.
#[derive(Clone, Copy, Debug)]
pub struct Catalogue {
    operations: &'static [OperationDef],
    next_page: Option<NextPage>,
    api: Option<ApiFactory>,
}

impl Catalogue {
    /// A catalogue of `operations`, with no pagination support and no API yet.
    pub const fn new(operations: &'static [OperationDef]) -> Self {
        Self {
            operations,
            next_page: None,
            api: None,
        }
    }

    /// Use `next_page` to find the next page of paginated operations.
    pub const fn with_next_page(mut self, next_page: NextPage) -> Self {
        self.next_page = Some(next_page);
        self
    }

    /// Reach the API through `api` (called for every request: the profile may differ).
    pub const fn with_api(mut self, api: ApiFactory) -> Self {
        self.api = Some(api);
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

    /// The operation called `name`; `unsupported` naming it when there is none.
    pub fn find(&self, name: &str) -> Result<&'static OperationDef> {
        self.operations
            .iter()
            .find(|op| op.name == name)
            .ok_or_else(|| error::unsupported(format_args!("operation `{name}`")))
    }

    /// A body placement (see [`OperationDef::placement`]) in the request of operation `name`.
    /// A name the catalogue does not have gives a placement no request matches, which
    /// [`crate::testing::assert_placements`] reports.
    pub fn placement(&self, name: &str, pointer: &str) -> SecretPlacement {
        match self.find(name) {
            Ok(op) => op.placement(pointer),
            Err(_) => OperationDef::new(
                "unknown",
                crate::Method::Options,
                "/no-such-operation",
                "",
                &[],
            )
            .placement(pointer),
        }
    }

    /// The API client, from [`Catalogue::with_api`].
    pub fn api(&self) -> Result<Api> {
        match self.api {
            Some(api) => api(),
            None => Err(error::provider(
                "the adapter's catalogue names no API (Catalogue::with_api)",
            )),
        }
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

    /// Send operation `name` with `params` and an optional JSON body; a non-2xx answer is an
    /// error through the API's mapper.
    pub fn send(
        &self,
        name: &str,
        params: &[(&str, &str)],
        body: Option<&Value>,
    ) -> Result<Response> {
        let api = self.api()?;
        let request = self.request(&api, name, params)?;
        let request = match body {
            Some(body) => request.json(body),
            None => request,
        };
        api.execute(request)
    }

    /// Call operation `name` and parse its JSON answer (`null` when there is no body).
    pub fn call(&self, name: &str, params: &[(&str, &str)]) -> Result<Value> {
        self.send(name, params, None)?.json()
    }

    /// Call operation `name` with a JSON body and parse its JSON answer.
    pub fn call_with_body(
        &self,
        name: &str,
        params: &[(&str, &str)],
        body: &Value,
    ) -> Result<Value> {
        self.send(name, params, Some(body))?.json()
    }

    /// Invoke operation `name` against `api` as `operations.invoke` asks: `params` fill the
    /// parameters, `body` is sent verbatim as JSON (it must parse; secret placeholders are
    /// already inside it; an operation with a default body sends that when none is given), and
    /// `cursor` (a `next` from an earlier page) overrides the query parameters it carries.
    pub fn invoke_with<K: AsRef<str>, V: AsRef<str>>(
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
                return Err(error::invalid_input_field(
                    "cursor",
                    format!("operation `{name}` is not paginated and takes no `cursor`"),
                ));
            }
            let pairs: Vec<(String, String)> = cursor::decode(cursor)?;
            for (key, value) in pairs {
                request = request.set_query(key, value);
            }
        }

        match (body.or(op.default_body), op.takes_body) {
            (Some(text), true) => {
                serde_json::from_str::<Value>(text).map_err(|e| {
                    error::invalid_input_field("body", format!("`body` is not valid JSON: {e}"))
                })?;
                request = request.json_text(text);
            }
            (None, true) => {
                return Err(error::invalid_input_field(
                    "body",
                    format!("operation `{name}` needs a JSON `body`"),
                ));
            }
            (Some(_), false) => {
                return Err(error::invalid_input_field(
                    "body",
                    format!("operation `{name}` takes no `body`"),
                ));
            }
            (None, false) => {}
        }

        let response = api.execute(request.clone())?;
        let next = match (op.paginated, self.next_page) {
            (true, Some(next_page)) => next_page(&request, &response)
                .map(|pairs| cursor::encode(&pairs))
                .transpose()?,
            _ => None,
        };
        Ok(Outcome {
            status: response.status,
            body: body_of(&response),
            next,
        })
    }
}

/// The response body as the contract's [`Body`]: JSON when the content type says so or the text
/// parses as JSON, text otherwise; none when empty.
pub fn body_of(response: &Response) -> Option<Body> {
    if response.body.is_empty() {
        return None;
    }
    let text = response.text();
    let json = response.is_json() || serde_json::from_str::<Value>(&text).is_ok();
    Some(if json {
        Body::Json(text)
    } else {
        Body::Text(text)
    })
}

impl Operations for Catalogue {
    fn catalog(&self) -> Vec<Operation> {
        Catalogue::catalog(self)
    }

    fn invoke(
        &self,
        name: String,
        params: Vec<(String, String)>,
        body: Option<Json>,
        cursor: Option<String>,
        _secrets: Vec<SecretInput>,
    ) -> Result<Outcome> {
        self.find(&name)?;
        self.invoke_with(
            &self.api()?,
            &name,
            &params,
            body.as_deref(),
            cursor.as_deref(),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::operations::ParamDef;
    use crate::{Error, Location, Method, testing, url};
    use serde_json::json;

    static OPS: &[OperationDef] = &[
        OperationDef::paged_get(
            "ItemsGet",
            "/groups/{groupId}/items",
            "List items.",
            &[
                ParamDef::path("groupId", "Group."),
                ParamDef::query("offset", false, "First item."),
                ParamDef::query("limit", false, "Page size."),
                ParamDef::header("X-Trace", false, "Trace id."),
            ],
        ),
        OperationDef::new(
            "ItemsPost",
            Method::Post,
            "/groups/{groupId}/items",
            "Create an item.",
            &[ParamDef::path("groupId", "Group.")],
        ),
        OperationDef::new(
            "ItemsOpen",
            Method::Post,
            "/groups/{groupId}/open",
            "Open; the body is optional.",
            &[ParamDef::path("groupId", "Group.")],
        )
        .with_default_body("{}"),
    ];

    fn next_page(_request: &Request, response: &Response) -> Option<Vec<(String, String)>> {
        let body = response.json().ok()?;
        let next = body.pointer("/links/next")?.as_str()?;
        Some(url::query_pairs(next))
    }

    fn api() -> Api {
        Api::new("https://api.example.com").with_credential("main")
    }

    fn api_factory() -> Result<Api> {
        Ok(api())
    }

    static CATALOGUE: Catalogue = Catalogue::new(OPS)
        .with_next_page(next_page)
        .with_api(api_factory);

    #[test]
    fn catalog_lists_every_operation() {
        let catalog = CATALOGUE.catalog();
        assert_eq!(catalog.len(), 3);
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
        assert_eq!(err.field(), Some("param:bogus"));
        let message = err.message();
        assert!(
            message.contains("`bogus`") && message.contains("`other`"),
            "{message}"
        );
        assert!(message.contains("missing parameter `groupId`"), "{message}");
        let err = CATALOGUE
            .request(&api(), "ItemsGet", &[("limit", "1")])
            .unwrap_err();
        assert_eq!(err.field(), Some("param:groupId"));
        let err = CATALOGUE
            .request::<&str, &str>(&api(), "Nope", &[])
            .unwrap_err();
        assert!(matches!(err, Error::Unsupported(_)), "{err:?}");
        assert!(err.message().contains("`Nope`"));
        let err = CATALOGUE
            .invoke("Nope".into(), vec![], None, None, vec![])
            .unwrap_err();
        assert!(matches!(err, Error::Unsupported(_)), "{err:?}");
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
            .invoke_with(
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
            .invoke_with(
                &api(),
                "ItemsGet",
                &[("groupId", "g"), ("limit", "2")],
                None,
                Some(&next),
            )
            .unwrap();
        assert_eq!(second.next, None);
        assert_eq!(
            second.body,
            Some(Body::Json(json!({"items": [3]}).to_string()))
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
            .invoke_with(
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
        let bad_json = CATALOGUE.invoke_with(&api(), "ItemsPost", &g, Some("{"), None);
        assert!(bad_json.unwrap_err().message().contains("`body`"));
        let no_body = CATALOGUE.invoke_with(&api(), "ItemsPost", &g, None, None);
        assert!(no_body.unwrap_err().message().contains("`body`"));
        let extra_body = CATALOGUE.invoke_with(&api(), "ItemsGet", &g, Some("{}"), None);
        assert!(extra_body.unwrap_err().message().contains("`body`"));
        let bad_cursor = CATALOGUE.invoke_with(&api(), "ItemsGet", &g, None, Some("!!"));
        assert!(bad_cursor.unwrap_err().message().contains("cursor"));
        let unpaged_cursor =
            CATALOGUE.invoke_with(&api(), "ItemsPost", &g, Some("{}"), Some("e30"));
        assert!(unpaged_cursor.unwrap_err().message().contains("cursor"));
        assert!(testing::sent().is_empty());
        let ok = CATALOGUE
            .invoke_with(&api(), "ItemsPost", &g, Some("{}"), None)
            .unwrap();
        assert_eq!((ok.status, ok.body, ok.next), (204, None, None));
    }

    #[test]
    fn default_bodies_text_bodies_and_signing() {
        let _host = testing::mock_http(|request| {
            assert_eq!(request.body.as_deref(), Some(&b"{}"[..]));
            assert!(
                request
                    .headers
                    .contains(&("X-Sig".into(), request.url.clone()))
            );
            Ok(Response {
                status: 200,
                headers: vec![("content-type".into(), "text/plain".into())],
                body: b"opened".to_vec(),
                attempts: 2,
            })
        });
        let signed = api().with_signer(|r: Request| {
            let url = r.url();
            Ok(r.header("X-Sig", url))
        });
        let g = [("groupId", "g")];
        let opened = CATALOGUE
            .invoke_with(&signed, "ItemsOpen", &g, None, None)
            .unwrap();
        assert_eq!(opened.body, Some(Body::Text("opened".into())));
        assert_eq!(
            CATALOGUE.placement("ItemsPost", "/key"),
            SecretPlacement {
                method: Method::Post,
                path: "/groups/{groupId}/items".into(),
                target: crate::PlacementTarget::BodyField("/key".into()),
            }
        );
    }
}
