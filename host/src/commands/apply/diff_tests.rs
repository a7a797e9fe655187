//! The matching and diff rules.

use super::*;
use crate::commands::apply::file::parse;
use serde_json::json;

struct Labels(bool);

impl Rules for Labels {
    fn marker(&self, noun: Noun, _kind: Option<&str>) -> Marker {
        match (self.0, noun) {
            (true, Noun::Gateway) => Marker::Label,
            (_, Noun::Mapping) => Marker::None,
            _ => Marker::Description,
        }
    }
}

fn desired(yaml: &str) -> Vec<Desired> {
    parse(yaml).unwrap().profiles.remove(0).items
}

fn gateway(id: &str, name: &str, extra: Value) -> Live {
    let mut view = json!({"id": id, "kind": "wireguard", "name": name, "description": null,
                          "public_addresses": ["192.0.2.1"], "networks": ["10.0.0.0/24"],
                          "labels": {}, "provider": {"properties": {"mtu": 1420}}});
    for (k, v) in extra.as_object().unwrap() {
        view[k] = v.clone();
    }
    Live {
        noun: Noun::Gateway,
        id: id.into(),
        parent: None,
        kind: "wireguard".into(),
        name: Some(name.into()),
        view,
    }
}

fn peer(id: &str, parent: &str, name: &str, owned: bool) -> Live {
    Live {
        noun: Noun::Peer,
        id: id.into(),
        parent: Some(parent.into()),
        kind: "wireguard".into(),
        name: Some(name.into()),
        view: json!({"id": id, "name": name, "allowed_networks": ["10.8.0.2/32"],
                     "description": if owned { "managed-by=portico" } else { "mine" },
                     "labels": {}, "provider": {}}),
    }
}

const ONE: &str = "profiles:\n  p:\n    gateways:\n      - name: edge\n        networks: [10.0.0.0/24]\n        \
                   labels: {team: net}\n        peers:\n          - name: laptop\n            \
                   allowed-networks: [10.8.0.2/32]\n            secrets: {psk: env:X}\n";

#[test]
fn nothing_live_means_creates_whose_children_wait_for_their_parent() {
    let d = diff(&desired(ONE), &[], &Labels(true), false).unwrap();
    assert_eq!(d.changes.len(), 2);
    assert_eq!(d.changes[0].action, Action::Create);
    assert_eq!(
        d.changes[0].spec,
        json!({"name": "edge", "networks": ["10.0.0.0/24"],
               "labels": {"managed-by": "portico", "team": "net"}})
    );
    assert_eq!(d.changes[1].under, Under::Change(0));
    assert_eq!(
        d.changes[1].spec["description"], "managed-by=portico",
        "the peer's marker is its description"
    );
    let secret = d.changes[1]
        .fields
        .iter()
        .find(|f| f.field == "secrets.psk")
        .unwrap();
    assert_eq!(secret.new, Some(json!("(secret)")));
}

#[test]
fn a_converged_profile_is_unchanged_and_lists_compare_as_sets() {
    let live = [
        gateway(
            "g1",
            "edge",
            json!({"labels": {"team": "net", "managed-by": "portico", "extra": "kept"}}),
        ),
        peer("p1", "g1", "laptop", true),
    ];
    let d = diff(&desired(ONE), &live, &Labels(true), false).unwrap();
    assert!(
        d.changes.iter().all(|c| c.action == Action::Unchanged),
        "{:?}",
        d.changes
    );
    assert_eq!(d.changes[1].under, Under::Id("g1".into()));
}

#[test]
fn updates_name_each_field_old_and_new_and_send_only_those() {
    let yaml = "profiles:\n  p:\n    gateways:\n      - name: edge\n        networks: [10.0.0.0/24, 10.1.0.0/24]\n        \
                description: core\n        properties: {mtu: 1380, unknown: 1}\n";
    let live = [gateway(
        "g1",
        "edge",
        json!({"description": "core (managed-by=portico)"}),
    )];
    let d = diff(&desired(yaml), &live, &Labels(false), false).unwrap();
    let c = &d.changes[0];
    assert_eq!(c.action, Action::Update);
    let fields: Vec<&str> = c.fields.iter().map(|f| f.field.as_str()).collect();
    assert_eq!(fields, ["networks", "properties.mtu"], "{:?}", c.fields);
    assert_eq!(c.fields[0].old, Some(json!(["10.0.0.0/24"])));
    assert_eq!(
        c.spec,
        json!({"networks": ["10.0.0.0/24", "10.1.0.0/24"], "properties": {"mtu": 1380},
               "kind": "wireguard"})
    );
}

#[test]
fn an_empty_list_clears_and_an_adopted_resource_gains_the_marker() {
    let yaml = "profiles:\n  p:\n    gateways:\n      - name: edge\n        networks: []\n";
    let d = diff(
        &desired(yaml),
        &[gateway("g1", "edge", json!({}))],
        &Labels(true),
        false,
    )
    .unwrap();
    let c = &d.changes[0];
    assert_eq!(c.spec["clear"], json!(["networks"]));
    assert!(c.fields.iter().any(|f| f.field == "labels.managed-by"));
}

#[test]
fn two_live_resources_with_the_name_are_an_error_naming_both() {
    let live = [
        gateway("g1", "edge", json!({})),
        gateway("g2", "edge", json!({})),
    ];
    let err = diff(&desired(ONE), &live, &Labels(true), false)
        .unwrap_err()
        .to_string();
    assert!(
        err.contains("g1, g2") && err.contains("gateways[0]"),
        "{err}"
    );
}

#[test]
fn nameless_resources_match_by_their_identifying_field() {
    let yaml = "profiles:\n  p:\n    mappings:\n      - destination: sim-1:22\n";
    let live = [Live {
        noun: Noun::Mapping,
        id: "m1".into(),
        parent: None,
        kind: "port-mapping".into(),
        name: None,
        view: json!({"destination": "sim-1:22", "labels": {}}),
    }];
    let d = diff(&desired(yaml), &live, &Labels(true), false).unwrap();
    assert_eq!(d.changes[0].action, Action::Unchanged);
    assert_eq!(d.changes[0].label, "sim-1:22");
    let err = diff(
        &desired("profiles:\n  p:\n    mappings:\n      - {}\n"),
        &[],
        &Labels(true),
        false,
    )
    .unwrap_err()
    .to_string();
    assert!(err.contains("give it a name (or destination)"), "{err}");
}

#[test]
fn prune_deletes_only_owned_resources_children_first() {
    let yaml = "profiles:\n  p:\n    gateways: []\n";
    let live = [
        gateway("g1", "old", json!({"labels": {"managed-by": "portico"}})),
        peer("p1", "g1", "a", true),
        gateway("g2", "theirs", json!({})),
        peer("p2", "g2", "b", false),
    ];
    let kept = diff(&desired(yaml), &live, &Labels(true), false).unwrap();
    assert!(kept.changes.is_empty());
    assert_eq!((kept.left_alone, kept.prunable), (4, 2));
    let d = diff(&desired(yaml), &live, &Labels(true), true).unwrap();
    let deletes: Vec<&str> = d.changes.iter().map(|c| c.id.as_deref().unwrap()).collect();
    assert_eq!(deletes, ["p1", "g1"]);
    assert!(d.changes.iter().all(|c| c.action == Action::Delete));
    assert_eq!(d.left_alone, 2);
}

#[test]
fn an_owned_gateway_holding_foreign_resources_is_kept() {
    let yaml = "profiles:\n  p:\n    gateways: []\n";
    let live = [
        gateway("g1", "old", json!({"labels": {"managed-by": "portico"}})),
        peer("p1", "g1", "a", false),
    ];
    let d = diff(&desired(yaml), &live, &Labels(true), true).unwrap();
    assert!(d.changes.is_empty(), "{:?}", d.changes);
    assert!(
        d.kept[0].contains("gateway old (g1) is kept"),
        "{:?}",
        d.kept
    );
}
