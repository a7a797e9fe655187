//! The peer noun: Gate peers (kind `gate`, id = outer IP address) and Junction mirroring peers
//! (kind `mirroring`, id = peer IP address) of one VPG, the parent.
//!
//! Neither collection is paged by Soracom (Gate peers come from `listGatePeers`, mirroring peers
//! from the `mirroring.peers` map of the VPG document), so the adapter pages them itself: the
//! cursor carries an offset into the combined list (Gate peers first). Without a `limit` a list
//! is one page. Without a `kind` a list shows both kinds; Gate peers are skipped when the VPG
//! says Gate is closed or Soracom refuses the Gate peer list with 400 (an invented reading of
//! the spec's undocumented 400).
//!
//! | spec field | Gate peer | mirroring peer |
//! |---|---|---|
//! | `endpoint` | `outerIpAddress` (required) | `ipAddress` (required) |
//! | `allowed-networks` | one inner address, `innerIpAddress` (`/32` or bare) | refused |
//! | `description` | refused | `description` |
//! | `properties` | merged into RegisterGatePeerRequest | merged into JunctionMirroringPeer (`protocol` defaults to `gre`) |
//!
//! Updates: Soracom has none for Gate peers (`unsupported`); a mirroring peer update sends the
//! given `description` and each `properties` key as AttributeUpdate `{key, value}` pairs, values
//! as text; `clear` of `description` sends it empty. Creating needs an explicit `kind`; get,
//! update and delete find the kind by id when none is given.
//!
//! A peer's id is its address, which the spec gives: a create whose outcome is unknown is
//! looked up with `get`. Peers have no labels, and no list filters.

use portico_adapter_sdk::noun::KindSet;
use portico_adapter_sdk::serde_json::{Map, Value, json};
use portico_adapter_sdk::{
    Locator, NounDef, ParentRule, Peer, PeerPage, PeerSpec, Query, Result, Spec, cursor, error,
    json as sdk_json, spec as sdk_spec,
};

use crate::api;
use crate::catalog::CATALOGUE;
use crate::records::{self, GATE, MIRRORING};

/// The peer noun: every action of VPG peers (a Gate peer update answers `unsupported`); the
/// parent VPG is required.
pub const PEERS: NounDef<Peer> = NounDef::child(ParentRule::Required)
    .descriptions_of(&[MIRRORING])
    .kinds(&[
        (GATE, "Gate peer of a VPG, named by its outer IP address"),
        (
            MIRRORING,
            "Junction mirroring peer of a VPG, named by its IP address",
        ),
    ])
    .id_from_spec(created_id)
    .on_list(list)
    .on_get(get)
    .on_create(create)
    .on_update(update)
    .on_delete(delete);

/// The id a peer created from `spec` gets: its address.
fn created_id(spec: &PeerSpec) -> Option<String> {
    let key = match PeerKind::parse(spec.kind.as_deref()?).ok()? {
        PeerKind::Gate => "outerIpAddress",
        PeerKind::Mirroring => "ipAddress",
    };
    let properties = sdk_json::parse_object(&spec.properties, "properties").ok()?;
    address(spec.endpoint.as_deref())
        .ok()
        .flatten()
        .or_else(|| sdk_json::str_at(&Value::Object(properties), &format!("/{key}")))
}

/// The two peer kinds.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PeerKind {
    /// Gate peers.
    Gate,
    /// Junction mirroring peers.
    Mirroring,
}

impl KindSet for PeerKind {
    const ALL: &'static [PeerKind] = &[PeerKind::Gate, PeerKind::Mirroring];

    fn name(self) -> &'static str {
        match self {
            PeerKind::Gate => GATE,
            PeerKind::Mirroring => MIRRORING,
        }
    }
}

/// The Gate peer documents of a VPG.
fn gate_docs(vpg_id: &str) -> Result<Vec<Value>> {
    sdk_json::array(
        CATALOGUE.call("listGatePeers", &[("vpg_id", vpg_id)])?,
        "Gate peer list",
    )
}

/// The mirroring peer documents of a VPG document.
fn mirroring_docs(vpg: &Value) -> Vec<Value> {
    api::map_values(vpg.pointer("/mirroring/peers"))
}

/// Every peer of the selected kinds, Gate peers first.
fn all_peers(vpg_id: &str, kinds: &[PeerKind]) -> Result<Vec<Peer>> {
    let mut peers = Vec::new();
    if kinds == [PeerKind::Gate] {
        return Ok(gate_docs(vpg_id)?
            .iter()
            .map(|d| records::gate_peer(d, vpg_id))
            .collect());
    }
    let vpg = api::get_vpg(vpg_id)?;
    if kinds.contains(&PeerKind::Gate) && vpg.get("gateOpened") != Some(&Value::Bool(false)) {
        match gate_docs(vpg_id) {
            Ok(docs) => peers.extend(docs.iter().map(|d| records::gate_peer(d, vpg_id))),
            Err(portico_adapter_sdk::Error::InvalidInput(_)) => {}
            Err(err) => return Err(err),
        }
    }
    if kinds.contains(&PeerKind::Mirroring) {
        peers.extend(
            mirroring_docs(&vpg)
                .iter()
                .map(|d| records::mirroring_peer(d, vpg_id)),
        );
    }
    Ok(peers)
}

/// List one page of the peers of VPG `query.parent-id`.
fn list(query: Query) -> Result<PeerPage> {
    let kinds = PeerKind::selected(query.kind.as_deref())?;
    let vpg_id = query.parent()?;
    let peers = all_peers(vpg_id, &kinds)?;
    let limit = query
        .page
        .limit
        .map(|l| usize::try_from(l).unwrap_or(usize::MAX));
    let (items, next) = cursor::slice(peers, limit, query.page.cursor.as_deref())?;
    Ok(PeerPage {
        items,
        next,
        ahead: Vec::new(),
    })
}

/// Find peer `id` of VPG `vpg_id` among the selected kinds.
fn find(vpg_id: &str, id: &str, kind: Option<&str>) -> Result<Peer> {
    let kinds = PeerKind::selected(kind)?;
    all_peers(vpg_id, &kinds)?
        .into_iter()
        .find(|peer| peer.id == id)
        .ok_or_else(|| {
            let what = match kinds.as_slice() {
                [kind] => format!("{} peer", kind.name()),
                _ => "Gate or mirroring peer".to_owned(),
            };
            error::from_status(
                404,
                format!("VPG `{vpg_id}` has no {what} `{id}`"),
                None,
                None,
            )
        })
}

/// Get one peer.
fn get(target: Locator) -> Result<Peer> {
    find(target.parent()?, target.id.trim(), target.kind.as_deref())
}

/// Refuse a typed field the kind has no place for.
fn refuse(value: bool, field: &str, kind: PeerKind) -> Result<()> {
    if value {
        Err(error::invalid_input_field(
            field,
            format!("`{field}` does not apply to a {} peer", kind.name()),
        ))
    } else {
        Ok(())
    }
}

/// An IP address without a port (Soracom peers are addressed by IP alone).
fn address(endpoint: Option<&str>) -> Result<Option<String>> {
    match sdk_json::non_blank(endpoint).map(str::trim) {
        Some(text) if text.matches(':').count() == 1 || text.contains('/') => {
            Err(error::invalid_input_field(
                "endpoint",
                format!(
                    "`endpoint` of a Soracom peer is an IP address without port or prefix, got \
                     `{text}`"
                ),
            ))
        }
        Some(text) => Ok(Some(text.to_owned())),
        None => Ok(None),
    }
}

/// The RegisterGatePeerRequest for a spec.
pub fn gate_body(spec: &PeerSpec) -> Result<Map<String, Value>> {
    let kind = PeerKind::Gate;
    refuse(
        sdk_json::non_blank(spec.name.as_deref()).is_some(),
        "name",
        kind,
    )?;
    refuse(
        sdk_json::non_blank(spec.description.as_deref()).is_some(),
        "description",
        kind,
    )?;
    refuse(
        sdk_json::non_blank(spec.public_key.as_deref()).is_some(),
        "public-key",
        kind,
    )?;
    let mut body = sdk_json::patched(Map::new(), &spec.properties)?;
    sdk_json::set_str(
        &mut body,
        "outerIpAddress",
        address(spec.endpoint.as_deref())?.as_deref(),
    );
    let inner: Vec<&str> = spec
        .allowed_networks
        .iter()
        .map(|n| n.trim())
        .filter(|n| !n.is_empty())
        .collect();
    match inner.as_slice() {
        [] => {}
        [one] => {
            let addr = one.strip_suffix("/32").unwrap_or(one);
            if addr.contains('/') {
                return Err(error::invalid_input_field(
                    "allowed-networks",
                    format!(
                        "`allowed-networks` of a Gate peer is its one inner IP address (or /32), \
                         got `{one}`"
                    ),
                ));
            }
            body.insert("innerIpAddress".into(), Value::String(addr.to_owned()));
        }
        _ => {
            return Err(error::invalid_input_field(
                "allowed-networks",
                "`allowed-networks` of a Gate peer is its one inner IP address",
            ));
        }
    }
    if sdk_json::str_at(&Value::Object(body.clone()), "/outerIpAddress").is_none() {
        return Err(error::invalid_input_field(
            "endpoint",
            "missing `endpoint`: a Gate peer needs its outer IP address",
        ));
    }
    Ok(body)
}

/// Refuse the typed fields a mirroring peer has no place for.
fn refuse_for_mirroring(spec: &PeerSpec) -> Result<()> {
    let kind = PeerKind::Mirroring;
    for field in ["name", "public-key", "allowed-networks"] {
        refuse(spec.is_set(field), field, kind)?;
    }
    Ok(())
}

/// The JunctionMirroringPeer for a spec.
pub fn mirroring_body(spec: &PeerSpec) -> Result<Map<String, Value>> {
    refuse_for_mirroring(spec)?;
    let mut body = sdk_json::patched(Map::new(), &spec.properties)?;
    sdk_json::set_str(
        &mut body,
        "ipAddress",
        address(spec.endpoint.as_deref())?.as_deref(),
    );
    sdk_json::set_str(&mut body, "description", spec.description.as_deref());
    body.entry("protocol").or_insert_with(|| json!("gre"));
    if sdk_json::str_at(&Value::Object(body.clone()), "/ipAddress").is_none() {
        return Err(error::invalid_input_field(
            "endpoint",
            "missing `endpoint`: a mirroring peer needs its IP address",
        ));
    }
    Ok(body)
}

/// Create a peer of `spec.kind` under `spec.parent-id`.
fn create(spec: PeerSpec) -> Result<Peer> {
    let kind = sdk_json::non_blank(spec.kind.as_deref()).ok_or_else(|| {
        error::invalid_input_field(
            "kind",
            "missing `kind`: create a `gate` or a `mirroring` peer",
        )
    })?;
    let kind = PeerKind::parse(kind)?;
    let vpg_id = sdk_json::non_blank(spec.parent_id.as_deref())
        .map(str::trim)
        .ok_or_else(|| portico_adapter_sdk::noun::missing_parent("peer"))?;
    match kind {
        PeerKind::Gate => {
            let body = Value::Object(gate_body(&spec)?);
            let doc = CATALOGUE.call_with_body("registerGatePeer", &[("vpg_id", vpg_id)], &body)?;
            let doc = if doc.get("outerIpAddress").is_some() {
                doc
            } else {
                body
            };
            Ok(records::gate_peer(&doc, vpg_id))
        }
        PeerKind::Mirroring => {
            let body = Value::Object(mirroring_body(&spec)?);
            CATALOGUE.call_with_body("createMirroringPeer", &[("vpg_id", vpg_id)], &body)?;
            let ip = sdk_json::str_at(&body, "/ipAddress").unwrap_or_default();
            // Soracom answers 201 without a body: read the peer back, or report what was sent.
            match find(vpg_id, &ip, Some(MIRRORING)) {
                Ok(peer) => Ok(peer),
                Err(err) if err.is_not_found() => Ok(records::mirroring_peer(&body, vpg_id)),
                Err(err) => Err(err),
            }
        }
    }
}

/// The AttributeUpdate list of a mirroring peer update; a cleared description is sent empty.
pub fn attribute_updates(spec: &PeerSpec, id: &str) -> Result<Vec<Value>> {
    refuse_for_mirroring(spec)?;
    sdk_spec::check_clearable(
        spec,
        &["description"],
        "a mirroring peer is its address; only its description is optional",
    )?;
    if let Some(endpoint) = address(spec.endpoint.as_deref())?
        && endpoint != id
    {
        return Err(error::invalid_input_field(
            "endpoint",
            format!(
                "`endpoint` of mirroring peer `{id}` cannot change (delete it and create \
                 `{endpoint}`)"
            ),
        ));
    }
    let mut attributes = sdk_json::patched(Map::new(), &spec.properties)?;
    attributes.remove("ipAddress");
    sdk_json::set_str(&mut attributes, "description", spec.description.as_deref());
    if spec.clears("description") {
        attributes.insert("description".into(), Value::String(String::new()));
    }
    Ok(attributes
        .into_iter()
        .map(|(key, value)| {
            let value = match value {
                Value::String(text) => text,
                other => other.to_string(),
            };
            json!({"key": key, "value": value})
        })
        .collect())
}

/// Update a peer: mirroring peers only. The SDK has merged the spec's kind and parent into the
/// locator.
fn update(target: Locator, spec: PeerSpec) -> Result<Peer> {
    let vpg_id = target.parent()?;
    let id = target.id.trim();
    let kind = PeerKind::given_or(target.kind.as_deref(), || Ok(find(vpg_id, id, None)?.kind))?;
    if kind == PeerKind::Gate {
        return Err(error::unsupported(
            "updating a Gate peer (Soracom has no such operation: delete it and create it again)",
        ));
    }
    let updates = attribute_updates(&spec, id)?;
    if !updates.is_empty() {
        CATALOGUE.call_with_body(
            "updateMirroringPeer",
            &[("vpg_id", vpg_id), ("ipaddr", id)],
            &Value::Array(updates),
        )?;
    }
    find(vpg_id, id, Some(MIRRORING))
}

/// Delete a peer; without a kind, whichever collection holds the id.
fn delete(target: Locator) -> Result<()> {
    api::delete_child(
        &target,
        |kind| match kind {
            PeerKind::Gate => ("unregisterGatePeer", "outer_ip_address"),
            PeerKind::Mirroring => ("deleteMirroringPeer", "ipaddr"),
        },
        |vpg_id, id| Ok(find(vpg_id, id, None)?.kind),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spec(kind: &str) -> PeerSpec {
        PeerSpec {
            kind: Some(kind.into()),
            parent_id: Some("v1".into()),
            name: None,
            description: None,
            public_key: None,
            endpoint: None,
            allowed_networks: Vec::new(),
            labels: Vec::new(),
            clear: Vec::new(),
            properties: String::new(),
            secrets: Vec::new(),
        }
    }

    #[test]
    fn gate_body_maps_endpoint_and_inner_address() {
        let body = gate_body(&PeerSpec {
            endpoint: Some("198.51.100.7".into()),
            allowed_networks: vec!["10.128.0.5/32".into()],
            ..spec("gate")
        })
        .unwrap();
        assert_eq!(
            Value::Object(body),
            json!({"outerIpAddress": "198.51.100.7", "innerIpAddress": "10.128.0.5"})
        );
        let from_props = gate_body(&PeerSpec {
            properties: r#"{"outerIpAddress": "198.51.100.8"}"#.into(),
            ..spec("gate")
        })
        .unwrap();
        assert_eq!(
            Value::Object(from_props),
            json!({"outerIpAddress": "198.51.100.8"})
        );
    }

    #[test]
    fn gate_body_refuses_what_does_not_fit() {
        let cases = [
            (spec("gate"), "`endpoint`"),
            (
                PeerSpec {
                    endpoint: Some("198.51.100.7:4789".into()),
                    ..spec("gate")
                },
                "`endpoint`",
            ),
            (
                PeerSpec {
                    endpoint: Some("198.51.100.7".into()),
                    allowed_networks: vec!["10.0.0.0/8".into()],
                    ..spec("gate")
                },
                "`allowed-networks`",
            ),
            (
                PeerSpec {
                    endpoint: Some("198.51.100.7".into()),
                    public_key: Some("k".into()),
                    ..spec("gate")
                },
                "`public-key`",
            ),
            (
                PeerSpec {
                    endpoint: Some("198.51.100.7".into()),
                    name: Some("n".into()),
                    ..spec("gate")
                },
                "`name`",
            ),
        ];
        for (bad, field) in cases {
            let err = gate_body(&bad).unwrap_err();
            assert!(err.message().contains(field), "{}", err.message());
        }
    }

    #[test]
    fn mirroring_body_and_updates() {
        let body = mirroring_body(&PeerSpec {
            endpoint: Some("192.0.2.9".into()),
            description: Some("ids".into()),
            properties: r#"{"enabled": true}"#.into(),
            ..spec("mirroring")
        })
        .unwrap();
        assert_eq!(
            Value::Object(body),
            json!({"enabled": true, "ipAddress": "192.0.2.9", "description": "ids", "protocol": "gre"})
        );
        let updates = attribute_updates(
            &PeerSpec {
                description: Some("new".into()),
                properties: r#"{"enabled": false}"#.into(),
                ..spec("mirroring")
            },
            "192.0.2.9",
        )
        .unwrap();
        assert_eq!(
            updates,
            [
                json!({"key": "enabled", "value": "false"}),
                json!({"key": "description", "value": "new"})
            ]
        );
        let err = attribute_updates(
            &PeerSpec {
                endpoint: Some("192.0.2.10".into()),
                ..spec("mirroring")
            },
            "192.0.2.9",
        )
        .unwrap_err();
        assert!(err.message().contains("`endpoint`"));
        assert!(mirroring_body(&spec("mirroring")).is_err());
    }

    #[test]
    fn slices_page_with_offsets() {
        let (page, next) = cursor::slice(vec![1, 2, 3, 4, 5], Some(2), None).unwrap();
        assert_eq!(page, [1, 2]);
        let (page, next) = cursor::slice(vec![1, 2, 3, 4, 5], Some(2), next.as_deref()).unwrap();
        assert_eq!(page, [3, 4]);
        let (page, next) = cursor::slice(vec![1, 2, 3, 4, 5], Some(2), next.as_deref()).unwrap();
        assert_eq!((page, next), (vec![5], None));
        let (page, next) = cursor::slice(vec![1, 2], None, None).unwrap();
        assert_eq!((page, next), (vec![1, 2], None));
        let (page, next) = cursor::slice(Vec::<u8>::new(), Some(0), None).unwrap();
        assert_eq!((page, next), (vec![], None));
        assert!(cursor::slice(vec![1], Some(1), Some("%%")).is_err());
    }

    #[test]
    fn kinds_parse() {
        assert_eq!(PeerKind::selected(None).unwrap(), PeerKind::ALL);
        assert_eq!(PeerKind::selected(Some("gate")).unwrap(), [PeerKind::Gate]);
        assert!(
            PeerKind::parse("wireguard")
                .unwrap_err()
                .message()
                .contains("`kind`")
        );
    }
}
