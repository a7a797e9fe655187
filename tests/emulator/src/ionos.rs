//! The IONOS Cloud VPN Gateway API: WireGuard gateways and their peers, IPSec gateways and their
//! tunnels, served at the real paths (`/wireguardgateways`, `/ipsecgateways`, ...).
//!
//! This module owns the routing of the twenty operations, paging, the resource and collection
//! envelopes and the `{httpStatus, messages}` error body. Stored state lives in [`store`],
//! request bodies are checked in [`validate`] and credentials in [`auth`].

mod auth;
mod store;
mod validate;

use std::sync::Arc;
use std::time::SystemTime;

use axum::Router;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::header::{CONTENT_TYPE, HOST, LOCATION};
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, Uri};
use axum::middleware::from_fn_with_state;
use axum::response::{IntoResponse, Response};
use axum::routing::{MethodRouter, delete, get, post, put};
use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as BASE64;
use serde_json::{Map, Value, json};
use sha2::{Digest as _, Sha256};
use uuid::Uuid;

use crate::{Shared, lock};
use store::{Kind, Resource, Status};

pub(crate) use store::Store;

/// The user every resource is attributed to in `metadata.createdBy` and friends.
const USER_ID: &str = "6a1d5f0e-3c2b-4d8e-9f7a-1b2c3d4e5f60";
const CONTRACT: &str = "31721385";
const LOCATION_ID: &str = "de-fra";
const DEFAULT_LIMIT: usize = 100;
const MAX_LIMIT: usize = 1000;

/// Whether `path` belongs to the IONOS API (decides the dialect of error bodies).
pub(crate) fn owns(path: &str) -> bool {
    ["/wireguardgateways", "/ipsecgateways"].iter().any(|root| {
        path.strip_prefix(root)
            .is_some_and(|rest| rest.is_empty() || rest.starts_with('/'))
    })
}

/// The emulator's application error codes; the real service's codes are not documented.
fn error_code(status: StatusCode) -> &'static str {
    match status.as_u16() {
        400 => "paas-request-1",
        401 => "paas-auth-1",
        403 => "paas-auth-2",
        404 => "paas-resource-1",
        405 => "paas-request-2",
        409 => "paas-resource-2",
        413 => "paas-request-3",
        415 => "paas-request-4",
        422 => "paas-validation-1",
        429 => "paas-ratelimit-1",
        500..=599 => "paas-internal-1",
        _ => "paas-error-1",
    }
}

/// An IONOS error body: `{"httpStatus": 404, "messages": [{"errorCode", "message"}]}`.
pub(crate) fn error_response(status: StatusCode, message: &str) -> Response {
    let body = json!({
        "httpStatus": status.as_u16(),
        "messages": [{ "errorCode": error_code(status), "message": message }],
    });
    (status, axum::Json(body)).into_response()
}

/// A failed request, rendered with [`error_response`].
#[derive(Debug)]
pub(crate) struct ApiError {
    status: StatusCode,
    message: String,
}

impl ApiError {
    fn new(status: StatusCode, message: impl Into<String>) -> Self {
        ApiError {
            status,
            message: message.into(),
        }
    }

    fn not_found(kind: Kind, id: Uuid) -> Self {
        Self::new(
            StatusCode::NOT_FOUND,
            format!("{} {id} not found", kind.noun()),
        )
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        error_response(self.status, &self.message)
    }
}

type ApiResult = Result<Response, ApiError>;

#[derive(Clone, Copy, Debug)]
enum Op {
    List,
    Create,
    Read,
    Ensure,
    Delete,
}

/// All twenty operations, behind the credential check.
pub(crate) fn router(shared: Arc<Shared>) -> Router<Arc<Shared>> {
    let mut router = Router::new();
    for kind in Kind::ALL {
        let (collection, item) = kind.routes();
        router = router
            .route(
                &collection,
                endpoint(kind, Op::List).merge(endpoint(kind, Op::Create)),
            )
            .route(
                &item,
                endpoint(kind, Op::Read)
                    .merge(endpoint(kind, Op::Ensure))
                    .merge(endpoint(kind, Op::Delete)),
            );
    }
    router
        .route_layer(from_fn_with_state(shared, auth::authenticate))
        .method_not_allowed_fallback(method_not_allowed)
}

fn endpoint(kind: Kind, op: Op) -> MethodRouter<Arc<Shared>> {
    let handler = move |State(shared): State<Arc<Shared>>,
                        uri: Uri,
                        headers: HeaderMap,
                        body: Bytes| async move {
        dispatch(&shared, kind, op, &uri, &headers, &body)
    };
    match op {
        Op::List | Op::Read => get(handler),
        Op::Create => post(handler),
        Op::Ensure => put(handler),
        Op::Delete => delete(handler),
    }
}

async fn method_not_allowed(method: Method, uri: Uri) -> Response {
    let message = format!("method {method} is not allowed on {}", uri.path());
    error_response(StatusCode::METHOD_NOT_ALLOWED, &message)
}

fn dispatch(
    shared: &Shared,
    kind: Kind,
    op: Op,
    uri: &Uri,
    headers: &HeaderMap,
    body: &[u8],
) -> Response {
    let result = path_ids(kind, uri.path()).and_then(|(parent, id)| {
        let now = shared.clock.now();
        let mut store = lock(&shared.ionos);
        store.purge(now);
        let mut ctx = Ctx {
            shared,
            store: &mut store,
            kind,
            parent,
            now,
        };
        match (op, id) {
            (Op::List, _) => ctx.list(uri, headers),
            (Op::Create, _) => ctx.create(headers, body),
            (Op::Read, Some(id)) => ctx.read(id),
            (Op::Ensure, Some(id)) => ctx.ensure(id, headers, body),
            (Op::Delete, Some(id)) => ctx.delete(id),
            (Op::Read | Op::Ensure | Op::Delete, None) => Err(ApiError::new(
                StatusCode::NOT_FOUND,
                format!("no resource at {}", uri.path()),
            )),
        }
    });
    result.unwrap_or_else(IntoResponse::into_response)
}

/// The gateway id (for peers and tunnels) and the resource id in a matched path.
fn path_ids(kind: Kind, path: &str) -> Result<(Option<Uuid>, Option<Uuid>), ApiError> {
    let segments: Vec<&str> = path.trim_matches('/').split('/').collect();
    let uuid_at = |index: usize, name: &str| {
        segments
            .get(index)
            .map(|raw| {
                Uuid::parse_str(raw).map_err(|_| {
                    ApiError::new(
                        StatusCode::BAD_REQUEST,
                        format!("[{name}] must be a UUID, got '{raw}'"),
                    )
                })
            })
            .transpose()
    };
    match kind {
        Kind::WireguardGateway | Kind::IpsecGateway => Ok((None, uuid_at(1, "gatewayId")?)),
        Kind::WireguardPeer => Ok((uuid_at(1, "gatewayId")?, uuid_at(3, "peerId")?)),
        Kind::IpsecTunnel => Ok((uuid_at(1, "gatewayId")?, uuid_at(3, "tunnelId")?)),
    }
}

/// One request's view of the locked store.
struct Ctx<'a> {
    shared: &'a Shared,
    store: &'a mut Store,
    kind: Kind,
    parent: Option<Uuid>,
    now: SystemTime,
}

impl Ctx<'_> {
    /// Peers and tunnels need a live gateway; new ones may not go below one being deleted.
    fn check_parent(&self, writing: bool) -> Result<(), ApiError> {
        let (Some(parent_kind), Some(parent)) = (self.kind.parent(), self.parent) else {
            return Ok(());
        };
        match self.store.get(parent_kind, None, parent) {
            None => Err(ApiError::not_found(parent_kind, parent)),
            Some(gateway) if writing && gateway.status(self.now) == Status::Destroying => {
                Err(ApiError::new(
                    StatusCode::NOT_FOUND,
                    format!("{} {parent} is being deleted", parent_kind.noun()),
                ))
            }
            Some(_) => Ok(()),
        }
    }

    fn list(&self, uri: &Uri, headers: &HeaderMap) -> ApiResult {
        let (offset, limit) = paging(uri.query())?;
        self.check_parent(false)?;
        let all = self.store.list(self.kind, self.parent);
        let items: Vec<Value> = all
            .iter()
            .skip(offset)
            .take(limit)
            .map(|r| render(r, r.status(self.now)))
            .collect();
        let path = self.kind.collection_path(self.parent);
        let host = headers
            .get(HOST)
            .and_then(|h| h.to_str().ok())
            .map_or_else(|| self.shared.addr.to_string(), str::to_owned);
        let scheme = self.shared.scheme;
        let link = |offset: usize| format!("{scheme}://{host}{path}?offset={offset}&limit={limit}");
        let mut links = Map::new();
        if offset > 0 {
            links.insert("prev".into(), link(offset.saturating_sub(limit)).into());
        }
        links.insert("self".into(), link(offset).into());
        if offset.saturating_add(limit) < all.len() {
            links.insert("next".into(), link(offset + limit).into());
        }
        let body = json!({
            "id": Uuid::new_v4(),
            "type": "collection",
            "href": path,
            "items": items,
            "offset": offset,
            "limit": limit,
            "_links": links,
        });
        Ok(axum::Json(body).into_response())
    }

    fn read(&self, id: Uuid) -> ApiResult {
        self.check_parent(false)?;
        let resource = self
            .store
            .get(self.kind, self.parent, id)
            .ok_or_else(|| ApiError::not_found(self.kind, id))?;
        Ok(axum::Json(render(resource, resource.status(self.now))).into_response())
    }

    fn create(&mut self, headers: &HeaderMap, body: &[u8]) -> ApiResult {
        self.check_parent(true)?;
        let document = parse_body(headers, body)?;
        let properties = validate::properties(self.kind, document.get("properties"))
            .map_err(|m| ApiError::new(StatusCode::UNPROCESSABLE_ENTITY, m))?;
        let delay = self.shared.delays().provision;
        let key = (self.kind, self.parent, Uuid::new_v4());
        let created = self.store.insert(key, properties, self.now, delay);
        Ok(created_response(created))
    }

    fn ensure(&mut self, id: Uuid, headers: &HeaderMap, body: &[u8]) -> ApiResult {
        self.check_parent(true)?;
        let document = parse_body(headers, body)?;
        let unprocessable = |m: String| ApiError::new(StatusCode::UNPROCESSABLE_ENTITY, m);
        match document.get("id") {
            None | Some(Value::Null) => return Err(unprocessable("[id] is required".into())),
            Some(Value::String(body_id)) if Uuid::parse_str(body_id).is_ok_and(|b| b == id) => {}
            Some(_) => {
                return Err(unprocessable(format!(
                    "[id] must equal the id in the path ({id})"
                )));
            }
        }
        let properties =
            validate::properties(self.kind, document.get("properties")).map_err(unprocessable)?;
        let delay = self.shared.delays().provision;
        let Some(existing) = self.store.find(id) else {
            let created =
                self.store
                    .insert((self.kind, self.parent, id), properties, self.now, delay);
            return Ok(created_response(created));
        };
        if existing.kind != self.kind || existing.parent != self.parent {
            return Err(ApiError::new(
                StatusCode::CONFLICT,
                format!("id {id} is already used by another resource"),
            ));
        }
        let status = existing.status(self.now);
        if status != Status::Available {
            return Err(ApiError::new(
                StatusCode::CONFLICT,
                format!(
                    "{} {id} is {}; retry once it is AVAILABLE",
                    self.kind.noun(),
                    status.as_str()
                ),
            ));
        }
        let updated = self
            .store
            .replace(id, properties, self.now, delay)
            .ok_or_else(|| ApiError::not_found(self.kind, id))?;
        Ok(axum::Json(render(updated, Status::Provisioning)).into_response())
    }

    fn delete(&mut self, id: Uuid) -> ApiResult {
        self.check_parent(false)?;
        let resource = self
            .store
            .get(self.kind, self.parent, id)
            .ok_or_else(|| ApiError::not_found(self.kind, id))?;
        // Deleting twice is accepted and keeps the first deadline.
        if resource.status(self.now) != Status::Destroying {
            let delay = self.shared.delays().delete;
            self.store.delete(id, self.now, delay);
        }
        Ok(StatusCode::ACCEPTED.into_response())
    }
}

fn created_response(resource: &Resource) -> Response {
    let mut response = (
        StatusCode::CREATED,
        axum::Json(render(resource, Status::Provisioning)),
    )
        .into_response();
    if let Ok(location) = HeaderValue::from_str(&resource.href()) {
        response.headers_mut().insert(LOCATION, location);
    }
    response
}

/// Parses `offset` and `limit`; other query parameters are ignored.
fn paging(query: Option<&str>) -> Result<(usize, usize), ApiError> {
    let mut offset = 0;
    let mut limit = DEFAULT_LIMIT;
    for pair in query.unwrap_or_default().split('&') {
        let (key, value) = pair.split_once('=').unwrap_or((pair, ""));
        let bad = |message: &str| ApiError::new(StatusCode::BAD_REQUEST, message.to_owned());
        match key {
            "offset" => {
                offset = value
                    .parse::<i32>()
                    .ok()
                    .and_then(|n| usize::try_from(n).ok())
                    .ok_or_else(|| bad("[offset] must be an integer >= 0"))?;
            }
            "limit" => {
                limit = value
                    .parse::<usize>()
                    .ok()
                    .filter(|n| (1..=MAX_LIMIT).contains(n))
                    .ok_or_else(|| bad("[limit] must be an integer between 1 and 1000"))?;
            }
            _ => {}
        }
    }
    Ok((offset, limit))
}

/// The JSON object in a create or ensure body.
fn parse_body(headers: &HeaderMap, body: &[u8]) -> Result<Map<String, Value>, ApiError> {
    if let Some(content_type) = headers.get(CONTENT_TYPE)
        && !content_type
            .to_str()
            .is_ok_and(|ct| ct.to_ascii_lowercase().contains("json"))
    {
        return Err(ApiError::new(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "Content-Type must be application/json",
        ));
    }
    let bad = |message: String| ApiError::new(StatusCode::BAD_REQUEST, message);
    if body.iter().all(u8::is_ascii_whitespace) {
        return Err(bad("a JSON request body is required".into()));
    }
    match serde_json::from_slice::<Value>(body) {
        Ok(Value::Object(map)) => Ok(map),
        Ok(_) => Err(bad("the request body must be a JSON object".into())),
        Err(err) => Err(bad(format!("malformed JSON in request body: {err}"))),
    }
}

/// The `*Read` envelope, without write-only secrets.
fn render(resource: &Resource, status: Status) -> Value {
    let mut properties = resource.properties.clone();
    let public_key = properties
        .shift_remove("privateKey")
        .map(|key| derive_public_key(&key));
    if let Some(auth) = properties.get_mut("auth").and_then(Value::as_object_mut) {
        auth.shift_remove("psk");
    }
    let href = resource.href();
    let user = format!("ionos:identity:::users/{USER_ID}");
    let mut metadata = json!({
        "createdDate": timestamp(resource.created),
        "createdBy": user,
        "createdByUserId": USER_ID,
        "lastModifiedDate": timestamp(resource.modified),
        "lastModifiedBy": user,
        "lastModifiedByUserId": USER_ID,
        "resourceURN": format!("ionos:vpn:{LOCATION_ID}:{CONTRACT}:{}", href.trim_start_matches('/')),
        "status": status.as_str(),
        "statusMessage": null,
    });
    if let (Some(key), Some(object)) = (public_key, metadata.as_object_mut()) {
        object.insert("publicKey".into(), key.into());
    }
    json!({
        "id": resource.id,
        "type": resource.kind.type_name(),
        "href": href,
        "metadata": metadata,
        "properties": properties,
    })
}

fn timestamp(time: SystemTime) -> String {
    humantime::format_rfc3339_seconds(time).to_string()
}

/// The WireGuard public key of a gateway's private key, derived as the provider does (X25519),
/// so a peer configured from it completes a handshake with an interface holding the private
/// key. A key that is not 32 bytes of base64 gets a stable, WireGuard-shaped stand-in.
fn derive_public_key(private_key: &Value) -> String {
    let text = private_key.as_str().unwrap_or_default();
    if let Some(bytes) = BASE64
        .decode(text.trim())
        .ok()
        .and_then(|b| <[u8; 32]>::try_from(b).ok())
    {
        let secret = x25519_dalek::StaticSecret::from(bytes);
        return BASE64.encode(x25519_dalek::PublicKey::from(&secret).as_bytes());
    }
    let mut hasher = Sha256::new();
    hasher.update(b"portico-emulator public key\0");
    hasher.update(text.as_bytes());
    BASE64.encode(hasher.finalize())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn public_keys_are_derived_with_x25519() {
        // RFC 7748 section 6.1: Alice's private key and public key.
        let private =
            hex::decode("77076d0a7318a57d3c16c17251b26645df4c2f87ebc0992ab177fba51db92c2a")
                .unwrap();
        let public =
            hex::decode("8520f0098930a754748b7ddcb43ef75a0dbf3a0d26381af4eba4a98eaa9b4e6a")
                .unwrap();
        let key = derive_public_key(&json!(BASE64.encode(private)));
        assert_eq!(key, BASE64.encode(public));
        let stand_in = derive_public_key(&json!("not a key"));
        assert_eq!(BASE64.decode(&stand_in).unwrap().len(), 32);
        assert_ne!(stand_in, derive_public_key(&json!("another")));
    }

    #[test]
    fn owns_only_ionos_roots() {
        assert!(owns("/wireguardgateways") && owns("/ipsecgateways/x/tunnels"));
        assert!(!owns("/wireguardgatewaysx") && !owns("/v1/vpgs"));
    }

    #[test]
    fn paging_validates_ranges() {
        assert_eq!(paging(None).ok(), Some((0, 100)));
        assert_eq!(
            paging(Some("limit=5&offset=10&depth=1")).ok(),
            Some((10, 5))
        );
        for bad in ["limit=0", "limit=1001", "offset=-1", "offset=x", "limit="] {
            assert!(paging(Some(bad)).is_err(), "{bad}");
        }
    }
}
