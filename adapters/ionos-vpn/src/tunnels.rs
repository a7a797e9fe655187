//! The tunnel noun: the IPSec tunnels of an IPSec gateway.
//!
//! The pre-shared key is write-only at IONOS, so every create and update sends it again, as the
//! placeholder of the `pre-shared-key` secret input. Only the description can be cleared: the
//! other fields are required.

use portico_adapter_sdk::serde_json::{Map, Value, json};
use portico_adapter_sdk::{
    NounDef, Result, Spec, Tunnel, TunnelPage, TunnelSpec, error, json as sdk_json, secrets,
};

use crate::child::{Child, child_noun};
use crate::records;

/// The secret input holding a tunnel's pre-shared key.
pub const PRE_SHARED_KEY: &str = "pre-shared-key";

/// The tunnel noun: every action; the parent (an IPSec gateway) is required. IONOS does not
/// say that names are unique, and has no labels.
pub const TUNNELS: NounDef<Tunnel> = child_noun!(
    CHILD,
    &[("ipsec", "IPSec tunnel of an IPSec gateway to a remote site")]
)
.ipsec(&crate::ipsec::SUPPORT);

/// Tunnels, at `/ipsecgateways/{gatewayId}/tunnels/{tunnelId}`.
const CHILD: Child<TunnelSpec, Tunnel, TunnelPage> = Child {
    noun: "tunnel",
    id_param: "tunnelId",
    list_op: "IpsecgatewaysTunnelsGet",
    get_op: "IpsecgatewaysTunnelsFindById",
    create_op: "IpsecgatewaysTunnelsPost",
    put_op: "IpsecgatewaysTunnelsPut",
    delete_op: "IpsecgatewaysTunnelsDelete",
    clearable: (
        &["description"],
        "IONOS requires a tunnel's name, remote host and networks",
    ),
    record: records::tunnel,
    properties,
    page: |items, next, ahead| TunnelPage { items, next, ahead },
};

/// The `properties` to send: `base` (the current properties on update), then `spec.properties`
/// as a merge patch, then the typed fields (a cleared description removed), the pre-shared key,
/// and empty `ike`/`esp` objects when none are set (IONOS fills in its defaults).
pub fn properties(mut base: Map<String, Value>, spec: &TunnelSpec) -> Result<Map<String, Value>> {
    // The stored key is never sent back; the caller supplies it again.
    base.remove("auth");
    let mut props = sdk_json::patched(base, &spec.properties)?;
    if spec.clears("description") {
        props.remove("description");
    }
    sdk_json::set_str(&mut props, "name", spec.name.as_deref());
    sdk_json::set_str(&mut props, "description", spec.description.as_deref());
    sdk_json::set_str(&mut props, "remoteHost", spec.remote_address.as_deref());
    sdk_json::set_strings(&mut props, "cloudNetworkCIDRs", &spec.local_networks);
    sdk_json::set_strings(&mut props, "peerNetworkCIDRs", &spec.remote_networks);
    match secrets::placeholder(&spec.secrets, PRE_SHARED_KEY) {
        Some(placeholder) => {
            props.insert(
                "auth".into(),
                json!({ "method": "PSK", "psk": { "key": placeholder } }),
            );
        }
        None if has_key(&props) => {}
        None => {
            return Err(error::invalid_input(format!(
                "missing secret input `{PRE_SHARED_KEY}`: an IPSec tunnel needs its pre-shared key \
                 on create and on every update (IONOS never returns it)"
            )));
        }
    }
    if let Some(params) = &spec.ipsec {
        crate::ipsec::to_provider(params, &mut props)?;
    }
    props.entry("ike").or_insert_with(|| json!({}));
    props.entry("esp").or_insert_with(|| json!({}));
    Ok(props)
}

/// Whether `properties` itself carries a pre-shared key (`auth.psk.key`).
fn has_key(props: &Map<String, Value>) -> bool {
    props
        .get("auth")
        .and_then(|auth| auth.pointer("/psk/key"))
        .and_then(Value::as_str)
        .is_some_and(|key| !key.is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;
    use portico_adapter_sdk::SecretInput;

    fn spec() -> TunnelSpec {
        TunnelSpec {
            kind: None,
            parent_id: Some("gw".into()),
            name: None,
            description: None,
            remote_address: None,
            local_networks: Vec::new(),
            remote_networks: Vec::new(),
            ipsec: None,
            labels: Vec::new(),
            clear: Vec::new(),
            properties: String::new(),
            secrets: vec![SecretInput {
                name: PRE_SHARED_KEY.into(),
                placeholder: "{{psk}}".into(),
            }],
        }
    }

    #[test]
    fn create_body_maps_typed_fields_and_defaults() {
        let spec = TunnelSpec {
            name: Some("branch".into()),
            remote_address: Some("198.51.100.7".into()),
            local_networks: vec!["192.168.1.0/24".into()],
            remote_networks: vec!["10.1.0.0/16".into()],
            properties: r#"{"esp": {"lifetime": 3600}}"#.into(),
            ..spec()
        };
        let props = properties(Map::new(), &spec).unwrap();
        assert_eq!(
            Value::Object(props),
            json!({
                "esp": {"lifetime": 3600},
                "name": "branch",
                "remoteHost": "198.51.100.7",
                "cloudNetworkCIDRs": ["192.168.1.0/24"],
                "peerNetworkCIDRs": ["10.1.0.0/16"],
                "auth": {"method": "PSK", "psk": {"key": "{{psk}}"}},
                "ike": {},
            })
        );
    }

    #[test]
    fn the_pre_shared_key_is_required_every_time() {
        let without = TunnelSpec {
            secrets: Vec::new(),
            ..spec()
        };
        let err = properties(Map::new(), &without).unwrap_err();
        assert!(matches!(err, portico_adapter_sdk::Error::InvalidInput(_)));
        assert!(err.message().contains("`pre-shared-key`"));
        let mut current = Map::new();
        current.insert(
            "auth".into(),
            json!({"method": "PSK", "psk": {"key": "old"}}),
        );
        assert!(properties(current, &without).is_err());
        let in_properties = TunnelSpec {
            properties: r#"{"auth": {"method": "PSK", "psk": {"key": "k"}}}"#.into(),
            ..without
        };
        assert!(properties(Map::new(), &in_properties).is_ok());
    }

    #[test]
    fn update_keeps_current_ike_and_networks() {
        let Value::Object(current) = json!({
            "name": "t", "remoteHost": "198.51.100.7",
            "auth": {"method": "PSK"},
            "ike": {"lifetime": 86400}, "esp": {"lifetime": 3600},
            "cloudNetworkCIDRs": ["192.168.1.0/24"], "peerNetworkCIDRs": ["10.1.0.0/16"]
        }) else {
            unreachable!()
        };
        let spec = TunnelSpec {
            remote_networks: vec!["10.2.0.0/16".into()],
            ..spec()
        };
        let props = properties(current, &spec).unwrap();
        assert_eq!(props["ike"], json!({"lifetime": 86400}));
        assert_eq!(props["cloudNetworkCIDRs"], json!(["192.168.1.0/24"]));
        assert_eq!(props["peerNetworkCIDRs"], json!(["10.2.0.0/16"]));
        assert_eq!(
            props["auth"],
            json!({"method": "PSK", "psk": {"key": "{{psk}}"}})
        );
    }
}
