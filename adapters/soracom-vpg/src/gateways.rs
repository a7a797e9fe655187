//! The gateway noun: Virtual Private Gateways (one kind, `vpg`).
//!
//! - **list** pages with `limit` and `last_evaluated_key`; the cursor wraps the key from
//!   `x-soracom-next-key`. Filters: `tag_name`, `tag_value`, `tag_value_match_mode` as the API
//!   takes them, plus `name=VALUE` as a shorthand for `tag_name=name` and `tag_value=VALUE`.
//! - **create** sends `properties` (the CreateVirtualPrivateGatewayRequest fields: `type`,
//!   `placement`, `useInternetGateway`, `deviceSubnetCidrRange`, `soracomTransitGateway`, `tags`)
//!   with the typed fields over it: `name` → tag `name`, `description` → tag `description`
//!   (Soracom has no description field; the tag is this adapter's choice), one CIDR in `networks`
//!   → `deviceSubnetCidrRange`. `type` defaults to `14` (Type-E, the smallest type the create
//!   operation accepts; a choice of this adapter). A public address cannot be chosen.
//!   `labels` become tags too.
//! - **update** changes tags only, because Soracom has no operation that changes anything else
//!   of a VPG in place: `name`, `description`, `labels` (added or overwritten by key) and
//!   `properties.tags` (a value sets the tag, `null` deletes it). `clear` may name
//!   `description` (its tag is deleted) and `labels` (every tag but `name` and `description` is
//!   deleted); the `name` tag always exists. Anything else answers `unsupported`; use the
//!   catalogue operations (`openGate`, `assignFixedPublicIpAddresses`, ...) for the rest.
//! - **delete** is `POST /terminate` (accepted, then terminated in the background).
//!
//! Labels are the VPG's tags other than `name` and `description`, both ways. Names are tags
//! and need not be unique, so a create whose outcome is unknown cannot be looked up.

use portico_adapter_sdk::serde_json::{Map, Value, json};
use portico_adapter_sdk::{
    Gateway, GatewayPage, GatewaySpec, Locator, NounDef, Query, Result, Spec, cursor, error,
    json as sdk_json, spec as sdk_spec,
};
use serde::{Deserialize, Serialize};

use crate::api;
use crate::catalog::CATALOGUE;
use crate::records::{self, TYPED_TAGS, VPG_KIND};

/// The gateway noun: VPGs, every action, top-level, filtered by tag, labelled with tags.
pub const GATEWAYS: NounDef<Gateway> = NounDef::top_level()
    .descriptions()
    .kinds(&[(
        VPG_KIND,
        "Virtual Private Gateway (Canal, Direct, Door, Gate, Junction and Peek hang off it)",
    )])
    .filters(&[
        ("name", "VPGs whose `name` tag is VALUE"),
        ("tag_name", "VPGs with the tag TAG_NAME (with `tag_value`)"),
        ("tag_value", "VPGs whose `tag_name` tag has this value"),
        ("tag_value_match_mode", "`exact` (default) or `prefix`"),
    ])
    .labels()
    .on_list(list)
    .on_get(get)
    .on_create(create)
    .on_update(update)
    .on_delete(delete);

/// The VPG type created when `properties` names none: 14, Type-E.
pub const DEFAULT_TYPE: u64 = 14;

/// The list filters passed to the API as query parameters.
const TAG_FILTERS: [&str; 3] = ["tag_name", "tag_value", "tag_value_match_mode"];

/// Where a VPG listing continues: the key from `x-soracom-next-key`.
#[derive(Serialize, Deserialize, Debug, PartialEq)]
pub struct KeyCursor {
    /// The `last_evaluated_key` of the next request.
    pub key: String,
}

/// The `last_evaluated_key` a cursor carries, if any.
pub fn cursor_key(cursor: Option<&str>) -> Result<Option<String>> {
    match cursor.filter(|c| !c.trim().is_empty()) {
        Some(text) => Ok(Some(cursor::decode::<KeyCursor>(text)?.key)),
        None => Ok(None),
    }
}

/// The cursor continuing after `key`.
pub fn key_cursor(key: Option<String>) -> Result<Option<String>> {
    key.map(|key| cursor::encode(&KeyCursor { key }))
        .transpose()
}

/// The query parameters for the list filters.
pub fn filter_params(filters: &[(String, String)]) -> Result<Vec<(String, String)>> {
    let mut params: Vec<(String, String)> = Vec::new();
    for (key, value) in filters {
        let key = key.trim();
        if key == "name" {
            params.push(("tag_name".into(), "name".into()));
            params.push(("tag_value".into(), value.clone()));
        } else if TAG_FILTERS.contains(&key) {
            params.push((key.to_owned(), value.clone()));
        } else {
            return Err(error::invalid_input_field(
                format!("filters.{key}"),
                format!(
                    "unknown filter `{key}`: VPG lists filter by `name`, `tag_name`, \
                     `tag_value` and `tag_value_match_mode`"
                ),
            ));
        }
    }
    for name in TAG_FILTERS {
        if params.iter().filter(|(k, _)| k == name).count() > 1 {
            return Err(error::invalid_input_field(
                format!("filters.{name}"),
                format!(
                    "filter `{name}` is given more than once (`name` sets `tag_name` and \
                     `tag_value`)"
                ),
            ));
        }
    }
    Ok(params)
}

/// List one page of VPGs.
fn list(query: Query) -> Result<GatewayPage> {
    let mut params = filter_params(&query.filters)?;
    if let Some(limit) = query.page.limit {
        params.push(("limit".into(), limit.max(1).to_string()));
    }
    if let Some(key) = cursor_key(query.page.cursor.as_deref())? {
        params.push((api::LAST_EVALUATED_KEY.into(), key));
    }
    let params: Vec<(&str, &str)> = params
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    let response = CATALOGUE.send("listVirtualPrivateGateways", &params, None)?;
    let items = sdk_json::array(response.json()?, "VPG list")?;
    Ok(GatewayPage {
        items: items.iter().map(records::gateway).collect(),
        next: key_cursor(api::next_key(&response))?,
        ahead: Vec::new(),
    })
}

/// Get one VPG.
fn get(target: Locator) -> Result<Gateway> {
    Ok(records::gateway(&api::get_vpg(target.id.trim())?))
}

/// The CreateVirtualPrivateGatewayRequest for a spec.
pub fn create_body(spec: &GatewaySpec) -> Result<Map<String, Value>> {
    if sdk_json::non_blank(spec.public_address.as_deref()).is_some() {
        return Err(error::invalid_input_field(
            "public-address",
            "`public-address` cannot be chosen: Soracom assigns fixed public addresses \
             (operation `assignFixedPublicIpAddresses`)",
        ));
    }
    let mut body = sdk_json::patched(Map::new(), &spec.properties)?;
    body.entry("type").or_insert_with(|| json!(DEFAULT_TYPE));
    if let Some(cidr) = device_subnet(&spec.networks)? {
        body.insert("deviceSubnetCidrRange".into(), Value::String(cidr));
    }
    let name = sdk_json::non_blank(spec.name.as_deref());
    let description = sdk_json::non_blank(spec.description.as_deref());
    if name.is_some() || description.is_some() || !spec.labels.is_empty() {
        let tags = body
            .entry("tags")
            .or_insert_with(|| Value::Object(Map::new()));
        let Value::Object(tags) = tags else {
            return Err(error::invalid_input_field(
                "properties/tags",
                "`properties.tags` must be a JSON object of tag names to values",
            ));
        };
        tags.extend(sdk_spec::labels_to_object(&spec.labels));
        sdk_json::set_str(tags, "name", name);
        sdk_json::set_str(tags, "description", description);
    }
    Ok(body)
}

/// At most one CIDR, the device subnet.
fn device_subnet(networks: &[String]) -> Result<Option<String>> {
    let given: Vec<&str> = networks
        .iter()
        .map(|n| n.trim())
        .filter(|n| !n.is_empty())
        .collect();
    match given.as_slice() {
        [] => Ok(None),
        [cidr] if looks_like_cidr(cidr) => Ok(Some((*cidr).to_owned())),
        [bad] => Err(error::invalid_input_field(
            "networks",
            format!("`networks` must be a CIDR such as 10.128.0.0/9, got `{bad}`"),
        )),
        _ => Err(error::invalid_input_field(
            "networks",
            "`networks` takes one CIDR, the VPG's device subnet",
        )),
    }
}

fn looks_like_cidr(text: &str) -> bool {
    match text.split_once('/') {
        Some((addr, bits)) => {
            !addr.is_empty() && bits.parse::<u8>().is_ok_and(|b| b <= 128) && !addr.contains(' ')
        }
        None => false,
    }
}

/// Create a VPG.
fn create(spec: GatewaySpec) -> Result<Gateway> {
    let body = create_body(&spec)?;
    let doc = CATALOGUE.call_with_body("createVirtualPrivateGateway", &[], &Value::Object(body))?;
    if json_has_str(&doc, "vpgId") {
        Ok(records::gateway(&doc))
    } else {
        Err(error::provider(
            "Soracom answered the VPG create request without the VPG document",
        ))
    }
}

fn json_has_str(doc: &Value, key: &str) -> bool {
    doc.get(key).and_then(Value::as_str).is_some()
}

/// What a gateway update changes: tags to set, tags to delete.
#[derive(Debug, Default, PartialEq)]
pub struct TagChanges {
    /// `(name, value)` pairs to set.
    pub set: Vec<(String, String)>,
    /// Names of tags to delete.
    pub delete: Vec<String>,
}

/// The tag changes of an update spec (without `clear` of `labels`, which needs the current
/// tags); anything but tags is `unsupported`.
pub fn tag_changes(spec: &GatewaySpec) -> Result<TagChanges> {
    sdk_spec::check_clearable(
        spec,
        &["description", "labels"],
        "a VPG always has a `name` tag, and its subnet and addresses cannot change",
    )?;
    if sdk_json::non_blank(spec.public_address.as_deref()).is_some() {
        return Err(error::unsupported(
            "changing the public address of a VPG (use `assignFixedPublicIpAddresses`)",
        ));
    }
    if spec.networks.iter().any(|n| !n.trim().is_empty()) {
        return Err(error::unsupported(
            "changing the device subnet of an existing VPG",
        ));
    }
    let mut properties = sdk_json::parse_object(&spec.properties, "properties")?;
    let tags = properties.remove("tags");
    if let Some(key) = properties.keys().next() {
        return Err(error::unsupported(format_args!(
            "changing `{key}` of an existing VPG (gateway update changes only tags: `name`, \
             `description` and `properties.tags`)"
        )));
    }
    let mut changes = TagChanges::default();
    match tags {
        None | Some(Value::Null) => {}
        Some(Value::Object(tags)) => {
            for (name, value) in tags {
                match value {
                    Value::Null => changes.delete.push(name),
                    Value::String(value) => changes.set.push((name, value)),
                    other => changes.set.push((name, other.to_string())),
                }
            }
        }
        Some(_) => {
            return Err(error::invalid_input_field(
                "properties/tags",
                "`properties.tags` must be a JSON object of tag names to values (null deletes)",
            ));
        }
    }
    for label in &spec.labels {
        changes.delete.retain(|d| *d != label.key);
        changes.set.retain(|(n, _)| *n != label.key);
        changes.set.push((label.key.clone(), label.value.clone()));
    }
    if spec.clears("description") {
        changes.set.retain(|(n, _)| n != "description");
        changes.delete.push("description".to_owned());
    }
    for (tag, value) in [
        ("name", spec.name.as_deref()),
        ("description", spec.description.as_deref()),
    ] {
        if let Some(value) = sdk_json::non_blank(value) {
            changes.delete.retain(|d| d != tag);
            changes.set.retain(|(n, _)| n != tag);
            changes.set.push((tag.to_owned(), value.to_owned()));
        }
    }
    Ok(changes)
}

/// Update a VPG's tags, then read it back.
fn update(target: Locator, spec: GatewaySpec) -> Result<Gateway> {
    let mut changes = tag_changes(&spec)?;
    let id = target.id.trim();
    if spec.clears("labels") {
        // Every label is a tag other than the typed ones; the current tags say which exist.
        let current = api::get_vpg(id)?;
        let kept: Vec<&str> = spec.labels.iter().map(|l| l.key.as_str()).collect();
        for label in sdk_spec::labels_from_object(current.get("tags"), &TYPED_TAGS) {
            if !kept.contains(&label.key.as_str()) && !changes.delete.contains(&label.key) {
                changes.delete.push(label.key);
            }
        }
    }
    if !changes.set.is_empty() {
        let body: Vec<Value> = changes
            .set
            .iter()
            .map(|(name, value)| json!({"tagName": name, "tagValue": value}))
            .collect();
        CATALOGUE.call_with_body(
            "updateVirtualPrivateGatewayTags",
            &[("vpg_id", id)],
            &Value::Array(body),
        )?;
    }
    for name in &changes.delete {
        match CATALOGUE.call(
            "deleteVirtualPrivateGatewayTag",
            &[("vpg_id", id), ("tag_name", name)],
        ) {
            // Deleting a tag that is not there leaves the VPG as asked.
            Err(err) if err.is_not_found() => api::get_vpg(id).map(drop)?,
            other => other.map(drop)?,
        }
    }
    Ok(records::gateway(&api::get_vpg(id)?))
}

/// Terminate a VPG.
fn delete(target: Locator) -> Result<()> {
    CATALOGUE
        .call(
            "terminateVirtualPrivateGateway",
            &[("vpg_id", target.id.trim())],
        )
        .map(drop)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spec() -> GatewaySpec {
        GatewaySpec {
            kind: None,
            name: None,
            description: None,
            public_address: None,
            networks: Vec::new(),
            labels: Vec::new(),
            clear: Vec::new(),
            properties: String::new(),
            secrets: Vec::new(),
        }
    }

    #[test]
    fn create_body_defaults_the_type_and_tags_the_name() {
        let body = create_body(&GatewaySpec {
            kind: Some("vpg".into()),
            name: Some("factory".into()),
            description: Some("line 1".into()),
            networks: vec!["10.200.0.0/16".into()],
            properties: r#"{"placement": {"region": "eu-central-1"}, "useInternetGateway": false,
                "tags": {"team": "ops", "name": "ignored"}}"#
                .into(),
            ..spec()
        })
        .unwrap();
        assert_eq!(
            Value::Object(body),
            json!({
                "placement": {"region": "eu-central-1"},
                "useInternetGateway": false,
                "tags": {"team": "ops", "name": "factory", "description": "line 1"},
                "type": 14,
                "deviceSubnetCidrRange": "10.200.0.0/16",
            })
        );
        let typed = create_body(&GatewaySpec {
            properties: r#"{"type": 15}"#.into(),
            ..spec()
        })
        .unwrap();
        assert_eq!(Value::Object(typed), json!({"type": 15}));
    }

    #[test]
    fn create_body_refuses_what_soracom_cannot_do() {
        let err = create_body(&GatewaySpec {
            public_address: Some("203.0.113.1".into()),
            ..spec()
        })
        .unwrap_err();
        assert!(err.message().contains("`public-address`"));
        for networks in [
            vec!["10.0.0.0"],
            vec!["10.0.0.0/8", "10.1.0.0/16"],
            vec!["/8"],
        ] {
            let err = create_body(&GatewaySpec {
                networks: networks.iter().map(|n| (*n).to_owned()).collect(),
                ..spec()
            })
            .unwrap_err();
            assert!(err.message().contains("`networks`"), "{networks:?}");
        }
        // The SDK refuses an undeclared kind before the adapter builds a body.
        let err = GATEWAYS
            .create(GatewaySpec {
                kind: Some("wireguard".into()),
                ..spec()
            })
            .unwrap_err();
        assert!(err.message().contains("`kind`"));
        let err = create_body(&GatewaySpec {
            name: Some("x".into()),
            properties: r#"{"tags": []}"#.into(),
            ..spec()
        })
        .unwrap_err();
        assert!(err.message().contains("`properties.tags`"));
    }

    #[test]
    fn update_is_tags_only() {
        let changes = tag_changes(&GatewaySpec {
            name: Some("new".into()),
            properties: r#"{"tags": {"team": "ops", "old": null, "name": "overridden", "n": 1}}"#
                .into(),
            ..spec()
        })
        .unwrap();
        assert_eq!(
            changes,
            TagChanges {
                set: vec![
                    ("team".into(), "ops".into()),
                    ("n".into(), "1".into()),
                    ("name".into(), "new".into())
                ],
                delete: vec!["old".into()],
            }
        );
        assert_eq!(tag_changes(&spec()).unwrap(), TagChanges::default());
        for bad in [
            GatewaySpec {
                properties: r#"{"type": 15}"#.into(),
                ..spec()
            },
            GatewaySpec {
                networks: vec!["10.0.0.0/8".into()],
                ..spec()
            },
            GatewaySpec {
                public_address: Some("203.0.113.1".into()),
                ..spec()
            },
        ] {
            let err = tag_changes(&bad).unwrap_err();
            assert!(
                matches!(err, portico_adapter_sdk::Error::Unsupported(_)),
                "{err:?}"
            );
        }
    }

    #[test]
    fn filters_become_query_parameters() {
        let pairs = |filters: &[(&str, &str)]| {
            filter_params(
                &filters
                    .iter()
                    .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
                    .collect::<Vec<_>>(),
            )
        };
        assert_eq!(
            pairs(&[("name", "edge")]).unwrap(),
            [
                ("tag_name".to_string(), "name".to_string()),
                ("tag_value".into(), "edge".into())
            ]
        );
        assert_eq!(
            pairs(&[
                ("tag_name", "team"),
                ("tag_value", "o"),
                ("tag_value_match_mode", "prefix")
            ])
            .unwrap()
            .len(),
            3
        );
        assert!(
            pairs(&[("status", "running")])
                .unwrap_err()
                .message()
                .contains("`status`")
        );
        assert!(pairs(&[("name", "a"), ("tag_name", "b")]).is_err());
    }

    #[test]
    fn cursors_wrap_the_next_key() {
        let text = key_cursor(Some("vpg-9".into())).unwrap().unwrap();
        assert_eq!(cursor_key(Some(&text)).unwrap().as_deref(), Some("vpg-9"));
        assert_eq!(cursor_key(None).unwrap(), None);
        assert_eq!(cursor_key(Some(" ")).unwrap(), None);
        assert!(cursor_key(Some("garbage!")).is_err());
        assert_eq!(key_cursor(None).unwrap(), None);
    }
}
