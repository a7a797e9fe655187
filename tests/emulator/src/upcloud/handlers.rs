//! The handlers: one request's view of the locked store, and what each operation does to it.
//! Every change is made on a copy of the gateway, checked whole ([`super::rules::check`]), then
//! stored, and sends the gateway back to `pending`.

use std::time::SystemTime;

use axum::http::StatusCode;
use axum::response::IntoResponse;
use serde_json::{Map, Value};
use uuid::Uuid;

use super::rules::{changed_tunnel, check, new_connection, new_tunnel};
use super::store::{Address, Connection, Gateway, Store};
use super::validate::{self, Invalid};
use super::{ApiError, ApiResult};
use crate::Shared;

/// One request's view of the locked store.
pub(super) struct Ctx<'a> {
    pub(super) shared: &'a Shared,
    pub(super) store: &'a mut Store,
    pub(super) now: SystemTime,
}

impl Ctx<'_> {
    pub(super) fn gateway(&self, id: Uuid) -> Result<&Gateway, ApiError> {
        self.store
            .get(id)
            .ok_or_else(|| ApiError::not_found("Gateway", id))
    }

    pub(super) fn read(
        &self,
        id: Uuid,
        render: impl Fn(&Gateway, SystemTime) -> Value,
    ) -> ApiResult {
        let gateway = self.gateway(id)?;
        Ok(axum::Json(render(gateway, self.now)).into_response())
    }

    pub(super) fn connection(&self, g: Uuid, c: Uuid) -> Result<&Connection, ApiError> {
        self.gateway(g)?
            .connection(c)
            .ok_or_else(|| ApiError::not_found("Connection", c))
    }

    pub(super) fn read_connection(
        &self,
        g: Uuid,
        c: Uuid,
        render: impl Fn(&Connection) -> Value,
    ) -> ApiResult {
        Ok(axum::Json(render(self.connection(g, c)?)).into_response())
    }

    pub(super) fn read_tunnel(&self, g: Uuid, c: Uuid, t: Uuid) -> ApiResult {
        let tunnel = self
            .connection(g, c)?
            .tunnels
            .iter()
            .find(|x| x.uuid == t)
            .ok_or_else(|| ApiError::not_found("Tunnel", t))?;
        Ok(axum::Json(tunnel.render()).into_response())
    }

    pub(super) fn list_gateways(&self, query: Option<&str>) -> ApiResult {
        let (mut limit, mut offset, mut labels) = (10usize, 0usize, Vec::new());
        for pair in query
            .unwrap_or_default()
            .split('&')
            .filter(|p| !p.is_empty())
        {
            let (key, value) = pair.split_once('=').unwrap_or((pair, ""));
            let value = percent_decode(value);
            match key {
                "limit" => {
                    limit =
                        value.parse().ok().filter(|l| *l <= 100).ok_or_else(|| {
                            Invalid::new("limit", "must be an integer from 0 to 100")
                        })?;
                }
                "offset" => {
                    offset = value
                        .parse()
                        .map_err(|_| Invalid::new("offset", "must be an integer >= 0"))?;
                }
                "label" => labels.push(value),
                _ => {}
            }
        }
        let items: Vec<Value> = self
            .store
            .list()
            .iter()
            .filter(|gw| labels.iter().all(|l| has_label(gw, l)))
            .skip(offset)
            .take(limit)
            .map(|gw| gw.render(self.now, false))
            .collect();
        Ok(axum::Json(items).into_response())
    }

    pub(super) fn create_gateway(&mut self, body: &Value) -> ApiResult {
        let map = validate::object(
            body,
            "",
            &[
                "name",
                "zone",
                "features",
                "routers",
                "configured_status",
                "plan",
                "labels",
                "addresses",
                "connections",
            ],
        )?;
        let name = gateway_name(map)?;
        let zone = match map.get("zone").and_then(Value::as_str) {
            Some(zone) if !zone.trim().is_empty() => zone.to_owned(),
            _ => return Err(Invalid::new("zone", "is required").into()),
        };
        let features = validate::features(map)?;
        let routers = validate::routers(map)?;
        let status = validate::configured_status(map)?.unwrap_or_else(|| "started".into());
        let plan = validate::plan(map)?;
        let labels = validate::labels(map)?.unwrap_or_default();
        let addresses = match validate::address_names(map)? {
            Some(names) => names.into_iter().map(|n| (n, false)).collect(),
            None => vec![("public-ip-1".to_owned(), true)],
        };
        let addresses = addresses
            .into_iter()
            .map(|(name, defaulted)| Address {
                name,
                address: self.store.allocate_address(),
                defaulted,
            })
            .collect();
        let connections = validate::connections(map)?
            .unwrap_or_default()
            .into_iter()
            .map(|c| new_connection(c, self.now))
            .collect::<Result<Vec<_>, _>>()?;
        let delay = self.shared.delays().provision;
        let gateway = Gateway::new(
            name,
            zone,
            plan,
            features,
            labels,
            status,
            routers,
            addresses,
            connections,
            self.now,
            delay,
        );
        check(&gateway)?;
        let created = self.store.insert(gateway);
        Ok((
            StatusCode::CREATED,
            axum::Json(created.render(self.now, true)),
        )
            .into_response())
    }

    /// Applies `change` to a copy of gateway `id`, checks the result, stores it and marks the
    /// gateway changed. Gateways being deleted refuse changes.
    fn change<T>(
        &mut self,
        id: Uuid,
        change: impl FnOnce(&mut Gateway, SystemTime) -> Result<T, ApiError>,
    ) -> Result<(T, &Gateway), ApiError> {
        let current = self.gateway(id)?;
        if current.is_deleting() {
            return Err(ApiError::new(
                StatusCode::CONFLICT,
                "ACTION_FORBIDDEN",
                format!("Gateway {id} is being deleted."),
            ));
        }
        let mut next = current.clone();
        let out = change(&mut next, self.now)?;
        check(&next)?;
        next.changed(self.now, self.shared.delays().provision);
        let stored = self
            .store
            .get_mut(id)
            .ok_or_else(|| ApiError::not_found("Gateway", id))?;
        *stored = next;
        Ok((out, stored))
    }

    pub(super) fn modify_gateway(&mut self, id: Uuid, body: &Value) -> ApiResult {
        let map = validate::object(
            body,
            "",
            &["name", "plan", "configured_status", "labels", "connections"],
        )?
        .clone();
        let now = self.now;
        let (_, gateway) = self.change(id, |gw, now| {
            if map.contains_key("name") {
                gw.name = gateway_name(&map)?;
            }
            if let Some(plan) = validate::plan(&map)? {
                gw.plan = Some(plan);
            }
            if let Some(status) = validate::configured_status(&map)? {
                gw.configured_status = status;
            }
            if let Some(labels) = validate::labels(&map)? {
                gw.labels = labels;
            }
            // Connections replace the whole set, with fresh UUIDs.
            if let Some(connections) = validate::connections(&map)? {
                gw.connections = connections
                    .into_iter()
                    .map(|c| new_connection(c, now))
                    .collect::<Result<_, _>>()?;
            }
            Ok(())
        })?;
        Ok(axum::Json(gateway.render(now, true)).into_response())
    }

    pub(super) fn delete_gateway(&mut self, id: Uuid) -> ApiResult {
        let delay = self.shared.delays().delete;
        let now = self.now;
        self.store
            .get_mut(id)
            .ok_or_else(|| ApiError::not_found("Gateway", id))?
            .delete(now, delay);
        Ok(StatusCode::NO_CONTENT.into_response())
    }

    pub(super) fn create_connection(&mut self, g: Uuid, body: &Value) -> ApiResult {
        let input = validate::connection(body, "")?;
        let name = input.name.clone();
        let (uuid, gateway) = self.change(g, |gw, now| {
            if !gw.has_vpn() {
                return Err(Invalid::new("features", "the gateway has no 'vpn' feature").into());
            }
            if gw.connections.iter().any(|c| c.name == name) {
                return Err(ApiError {
                    params: vec![Invalid::new("name", "a connection with this name exists")],
                    ..ApiError::new(
                        StatusCode::CONFLICT,
                        "RESOURCE_ALREADY_EXISTS",
                        format!("Connection {name} already exists."),
                    )
                });
            }
            let connection = new_connection(input, now)?;
            let uuid = connection.uuid;
            gw.connections.push(connection);
            Ok(uuid)
        })?;
        let doc = gateway.connection(uuid).map(Connection::render);
        Ok((StatusCode::CREATED, axum::Json(doc)).into_response())
    }

    pub(super) fn modify_connection(&mut self, g: Uuid, c: Uuid, body: &Value) -> ApiResult {
        let map = body.as_object().cloned().unwrap_or_default();
        for fixed in ["name", "type"] {
            if map.contains_key(fixed) {
                return Err(Invalid::new(fixed, "cannot be modified").into());
            }
        }
        validate::object(body, "", &["local_routes", "remote_routes", "tunnels"])?;
        let local = validate::routes(&map, "local_routes", "")?;
        let remote = validate::routes(&map, "remote_routes", "")?;
        let tunnels = validate::tunnels(&map, "", false)?;
        let (_, gateway) = self.change(g, |gw, now| {
            let connection = gw
                .connection_mut(c)
                .ok_or_else(|| ApiError::not_found("Connection", c))?;
            if let Some(routes) = local {
                connection.local_routes = routes;
            }
            if let Some(routes) = remote {
                connection.remote_routes = routes;
            }
            if let Some(inputs) = tunnels {
                let mut next = Vec::new();
                for (i, input) in inputs.into_iter().enumerate() {
                    let at = format!("tunnels[{i}]");
                    next.push(match connection.tunnels.get(i) {
                        Some(current) => changed_tunnel(current.clone(), input, now),
                        None => new_tunnel(input, &at, now)?,
                    });
                }
                connection.tunnels = next;
            }
            connection.modified = now;
            Ok(())
        })?;
        let doc = gateway.connection(c).map(Connection::render);
        Ok(axum::Json(doc).into_response())
    }

    pub(super) fn delete_connection(&mut self, g: Uuid, c: Uuid) -> ApiResult {
        self.change(g, |gw, _| {
            let before = gw.connections.len();
            gw.connections.retain(|x| x.uuid != c);
            if gw.connections.len() == before {
                return Err(ApiError::not_found("Connection", c));
            }
            Ok(())
        })?;
        Ok(StatusCode::NO_CONTENT.into_response())
    }

    pub(super) fn create_tunnel(&mut self, g: Uuid, c: Uuid, body: &Value) -> ApiResult {
        let input = validate::tunnel(body, "", false)?;
        let (doc, _) = self.change(g, |gw, now| {
            let connection = gw
                .connection_mut(c)
                .ok_or_else(|| ApiError::not_found("Connection", c))?;
            let tunnel = new_tunnel(input, "", now)?;
            let doc = tunnel.render();
            connection.tunnels.push(tunnel);
            connection.modified = now;
            Ok(doc)
        })?;
        Ok((StatusCode::CREATED, axum::Json(doc)).into_response())
    }

    pub(super) fn modify_tunnel(&mut self, g: Uuid, c: Uuid, t: Uuid, body: &Value) -> ApiResult {
        let input = validate::tunnel(body, "", true)?;
        let (doc, _) = self.change(g, |gw, now| {
            let connection = gw
                .connection_mut(c)
                .ok_or_else(|| ApiError::not_found("Connection", c))?;
            let slot = connection
                .tunnels
                .iter_mut()
                .find(|x| x.uuid == t)
                .ok_or_else(|| ApiError::not_found("Tunnel", t))?;
            *slot = changed_tunnel(slot.clone(), input, now);
            Ok(slot.render())
        })?;
        Ok(axum::Json(doc).into_response())
    }

    pub(super) fn delete_tunnel(&mut self, g: Uuid, c: Uuid, t: Uuid) -> ApiResult {
        self.change(g, |gw, _| {
            let connection = gw
                .connection_mut(c)
                .ok_or_else(|| ApiError::not_found("Connection", c))?;
            let before = connection.tunnels.len();
            connection.tunnels.retain(|x| x.uuid != t);
            if connection.tunnels.len() == before {
                return Err(ApiError::not_found("Tunnel", t));
            }
            Ok(())
        })?;
        Ok(StatusCode::NO_CONTENT.into_response())
    }
}

fn gateway_name(map: &Map<String, Value>) -> Result<String, Invalid> {
    match map.get("name").and_then(Value::as_str).map(str::trim) {
        Some(name) if !name.is_empty() && name.chars().count() <= 64 => Ok(name.to_owned()),
        _ => Err(Invalid::new("name", "is required, at most 64 characters")),
    }
}

/// A gateway's labels match `filter`: `key=value`, or `key` for any value.
fn has_label(gateway: &Gateway, filter: &str) -> bool {
    let (key, value) = match filter.split_once('=') {
        Some((k, v)) => (k, Some(v)),
        None => (filter, None),
    };
    gateway
        .labels
        .iter()
        .any(|label| label["key"] == key && value.is_none_or(|v| label["value"] == v))
}

fn percent_decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = (bytes[i] == b'%')
            .then(|| bytes.get(i + 1..i + 3))
            .flatten()
            .and_then(|h| std::str::from_utf8(h).ok())
            .and_then(|h| u8::from_str_radix(h, 16).ok());
        match hex {
            Some(byte) => {
                out.push(byte);
                i += 3;
            }
            None => {
                out.push(if bytes[i] == b'+' { b' ' } else { bytes[i] });
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    pub(super) fn labels_and_query_values_decode() {
        assert_eq!(percent_decode("env%3Dprod+x%zz"), "env=prod x%zz");
    }
}
