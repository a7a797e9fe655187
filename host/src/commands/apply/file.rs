//! The topology file: what `plan` and `apply` read, and the JSON Schema `portico schema`
//! prints, both from the same types.
//!
//! ```yaml
//! profiles:
//!   fra:                       # a profile (`portico profile add`)
//!     gateways:
//!       - name: fra-edge
//!         kind: ipsec
//!         tunnels:
//!           - name: to-office
//!             remote-address: 198.51.100.7
//!             secrets: {psk: env:OFFICE_PSK}
//! ```
//!
//! Typed fields use the nouns' kebab-case names; `properties` carries provider extras. Secret
//! inputs are references only (`env:VAR`, `credential:NAME.FIELD`, `prompt`): a literal value
//! is refused, as on the command line.

use super::links::{self, LinkDecl};
use crate::commands::inputs::{self, SecretArg, SecretSource};
use crate::error::input;
use crate::wit::adapter::Noun;
use anyhow::{Context as _, Result};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use std::collections::BTreeMap;

/// A topology: the desired gateways, tunnels, peers and mappings of each profile.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(title = "portico topology")]
pub(crate) struct Topology {
    /// The schema of this file (editors use it); ignored by portico.
    #[serde(rename = "$schema", default)]
    #[expect(
        dead_code,
        reason = "read so that files may name their schema; portico has no use for it"
    )]
    pub schema: Option<String>,
    /// Desired resources, by profile name.
    #[serde(default)]
    pub profiles: BTreeMap<String, ProfileDecl>,
    /// IPSec links between two gateways, or a gateway and an unmanaged site: each becomes a
    /// tunnel at every managed end, with one pre-shared key.
    #[serde(default)]
    pub links: Vec<LinkDecl>,
}

/// What one profile should hold. Nouns the adapter has no parent for (Napter mappings,
/// tunnels that name their gateway by id) sit at this level.
#[derive(Debug, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct ProfileDecl {
    /// Gateways, each with its tunnels, peers and mappings.
    #[serde(default)]
    pub gateways: Vec<GatewayDecl>,
    /// Tunnels without a gateway in this file (top-level, or `parent-id` names one).
    #[serde(default)]
    pub tunnels: Vec<TunnelDecl>,
    /// Peers without a gateway in this file.
    #[serde(default)]
    pub peers: Vec<PeerDecl>,
    /// Mappings without a gateway in this file.
    #[serde(default)]
    pub mappings: Vec<MappingDecl>,
}

/// A secret input's source: `env:VAR`, `credential:NAME.FIELD` or `prompt`.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
pub(crate) struct SecretRef(
    #[schemars(regex(pattern = r"^(env:.+|credential:[^.]+\..+|prompt)$"))] String,
);

impl SecretRef {
    /// The reference as written.
    pub(crate) fn text(&self) -> &str {
        &self.0
    }
}

/// A gateway and its children.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub(crate) struct GatewayDecl {
    /// The adapter's kind (`wireguard`, `ipsec`, ...); the adapter's default when absent.
    pub kind: Option<String>,
    /// Display name: how the gateway is found again.
    pub name: Option<String>,
    /// Free text.
    pub description: Option<String>,
    /// Public address to use.
    pub public_address: Option<String>,
    /// Networks behind the gateway.
    pub networks: Option<Vec<String>>,
    /// Labels or tags (where the provider has them).
    pub labels: Option<BTreeMap<String, String>>,
    /// Provider-specific settings, merged over the typed fields.
    pub properties: Option<Map<String, Value>>,
    /// Secret inputs, by the adapter's name for them.
    #[serde(default)]
    pub secrets: BTreeMap<String, SecretRef>,
    /// Its tunnels.
    #[serde(default)]
    pub tunnels: Vec<TunnelDecl>,
    /// Its peers.
    #[serde(default)]
    pub peers: Vec<PeerDecl>,
    /// Its mappings.
    #[serde(default)]
    pub mappings: Vec<MappingDecl>,
}

/// A site-to-site tunnel.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub(crate) struct TunnelDecl {
    /// The adapter's kind.
    pub kind: Option<String>,
    /// At the profile level: the id of an existing parent not described in this file.
    pub parent_id: Option<String>,
    /// Display name.
    pub name: Option<String>,
    /// Free text.
    pub description: Option<String>,
    /// The remote end's address.
    pub remote_address: Option<String>,
    /// Networks on the cloud side.
    pub local_networks: Option<Vec<String>>,
    /// Networks on the remote side.
    pub remote_networks: Option<Vec<String>>,
    /// IPSec parameters.
    pub ipsec: Option<IpsecDecl>,
    /// Labels or tags.
    pub labels: Option<BTreeMap<String, String>>,
    /// Provider-specific settings.
    pub properties: Option<Map<String, Value>>,
    /// Secret inputs (a pre-shared key).
    #[serde(default)]
    pub secrets: BTreeMap<String, SecretRef>,
}

/// A tunnel's IPSec parameters, in strongSwan's proposal syntax.
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub(crate) struct IpsecDecl {
    /// IKE version: 1 or 2.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ike_version: Option<u8>,
    /// Phase 1 proposal, e.g. `aes256gcm16-prfsha384-ecp384`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ike: Option<String>,
    /// Phase 2 proposal, e.g. `aes256gcm16-ecp384` (its DH groups are PFS).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub esp: Option<String>,
    /// IKE SA lifetime: seconds, or a duration such as `8h`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ike_lifetime: Option<Lifetime>,
    /// Child SA lifetime.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub esp_lifetime: Option<Lifetime>,
    /// Dead peer detection interval.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub dpd_interval: Option<Lifetime>,
}

/// Seconds, or a duration such as `8h`.
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(untagged)]
pub(crate) enum Lifetime {
    /// Seconds.
    Seconds(u32),
    /// A duration (`8h`, `90m`).
    Text(String),
}

/// A peer of a gateway.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub(crate) struct PeerDecl {
    /// The adapter's kind.
    pub kind: Option<String>,
    /// At the profile level: the id of an existing parent not described in this file.
    pub parent_id: Option<String>,
    /// Display name.
    pub name: Option<String>,
    /// Free text.
    pub description: Option<String>,
    /// The peer's public key.
    pub public_key: Option<String>,
    /// The peer's endpoint (host or host:port).
    pub endpoint: Option<String>,
    /// Networks routed to the peer.
    pub allowed_networks: Option<Vec<String>>,
    /// Labels or tags.
    pub labels: Option<BTreeMap<String, String>>,
    /// Provider-specific settings.
    pub properties: Option<Map<String, Value>>,
    /// Secret inputs.
    #[serde(default)]
    pub secrets: BTreeMap<String, SecretRef>,
}

/// A port mapping, address map entry or route.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub(crate) struct MappingDecl {
    /// The adapter's kind.
    pub kind: Option<String>,
    /// At the profile level: the id of an existing parent not described in this file.
    pub parent_id: Option<String>,
    /// Display name.
    pub name: Option<String>,
    /// Where traffic arrives.
    pub source: Option<String>,
    /// Where traffic is sent.
    pub destination: Option<String>,
    /// Networks allowed to use it.
    pub allowed_networks: Option<Vec<String>>,
    /// Labels or tags.
    pub labels: Option<BTreeMap<String, String>>,
    /// Provider-specific settings.
    pub properties: Option<Map<String, Value>>,
    /// Secret inputs.
    #[serde(default)]
    pub secrets: BTreeMap<String, SecretRef>,
}

/// A typed field's desired value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Field {
    /// A text field.
    Text(String),
    /// A list field (compared as a set).
    List(Vec<String>),
    /// A structured field (`ipsec`), in its canonical JSON view; compared by the keys it sets.
    Json(Value),
}

/// Where a desired resource lives.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Parent {
    /// Nowhere (top level, or the adapter finds it without a parent).
    None,
    /// Under an existing resource the file names by id.
    Id(String),
    /// Under the gateway at this index of the profile's resources.
    Declared(usize),
}

/// One desired resource, whatever its noun.
#[derive(Debug, Clone)]
pub(crate) struct Desired {
    /// The noun.
    pub noun: Noun,
    /// Where it is in the file, for messages (`profiles.fra.gateways[0].tunnels[1]`).
    pub path: String,
    /// Its kind, when the file gives one.
    pub kind: Option<String>,
    /// Its name, when the file gives one.
    pub name: Option<String>,
    /// The typed fields the file sets, by kebab-case name (`name` and `kind` excluded).
    pub fields: Vec<(&'static str, Field)>,
    /// Labels, when the file gives them.
    pub labels: Option<BTreeMap<String, String>>,
    /// Provider extras, when the file gives them.
    pub properties: Option<Map<String, Value>>,
    /// Secret inputs and their sources.
    pub secrets: Vec<SecretArg>,
    /// Its parent.
    pub parent: Parent,
}

/// One profile's desired resources; parents come before their children.
#[derive(Debug, Clone)]
pub(crate) struct ProfileDesired {
    /// The profile name.
    pub profile: String,
    /// Its resources.
    pub items: Vec<Desired>,
}

/// A topology as read: each profile's resources, and the links between them.
#[derive(Debug, Clone)]
pub(crate) struct Parsed {
    /// Each profile's resources; a profile only a link names has none.
    pub profiles: Vec<ProfileDesired>,
    /// The links.
    pub links: Vec<LinkDecl>,
}

/// Reads a topology from `path` (`-` for stdin): YAML, of which JSON is a subset.
pub(crate) fn read(path: &std::path::Path) -> Result<Parsed> {
    let text = if path.as_os_str() == "-" {
        let mut text = String::new();
        std::io::Read::read_to_string(&mut std::io::stdin(), &mut text)
            .context("failed to read the topology from stdin")?;
        text
    } else {
        std::fs::read_to_string(path)
            .with_context(|| format!("failed to read topology file {}", path.display()))?
    };
    parse(&text).map_err(|err| input(format!("{}: {err:#}", path.display())))
}

/// Parses a topology's text.
pub(crate) fn parse(text: &str) -> Result<Parsed> {
    let topology: Topology = serde_yaml_ng::from_str(text).map_err(|err| input(err.to_string()))?;
    links::check(&topology.links)?;
    let mut profiles = topology
        .profiles
        .into_iter()
        .map(|(profile, decl)| {
            flatten(&profile, decl).map(|items| ProfileDesired { profile, items })
        })
        .collect::<Result<Vec<_>>>()?;
    for l in &topology.links {
        for end in std::iter::once(&l.a).chain(&l.b) {
            if !profiles.iter().any(|p| p.profile == end.profile) {
                profiles.push(ProfileDesired {
                    profile: end.profile.clone(),
                    items: Vec::new(),
                });
            }
        }
    }
    Ok(Parsed {
        profiles,
        links: topology.links,
    })
}

/// The JSON Schema of the file.
pub(crate) fn schema() -> Value {
    serde_json::to_value(schemars::schema_for!(Topology)).expect("a schema is JSON")
}

fn text(out: &mut Vec<(&'static str, Field)>, key: &'static str, value: Option<String>) {
    if let Some(v) = value {
        out.push((key, Field::Text(v)));
    }
}

fn list(out: &mut Vec<(&'static str, Field)>, key: &'static str, value: Option<Vec<String>>) {
    if let Some(v) = value {
        out.push((key, Field::List(v)));
    }
}

fn secrets(path: &str, refs: BTreeMap<String, SecretRef>) -> Result<Vec<SecretArg>> {
    let args: Vec<String> = refs
        .into_iter()
        .map(|(k, v)| format!("{k}={}", v.0))
        .collect();
    let parsed = inputs::parse_secret_args(&args).map_err(|e| input(format!("{path}: {e}")))?;
    if let Some(arg) = parsed.iter().find(|a| a.source == SecretSource::Stdin) {
        return Err(input(format!(
            "{path}: secret input {} cannot come from stdin in a topology file; use \
             env:VAR, credential:NAME.FIELD or prompt",
            arg.name
        )));
    }
    Ok(parsed)
}

struct Flattener<'a> {
    profile: &'a str,
    items: Vec<Desired>,
}

impl Flattener<'_> {
    #[expect(
        clippy::too_many_arguments,
        reason = "one call per noun, fields named at the call"
    )]
    fn push(
        &mut self,
        noun: Noun,
        path: String,
        kind: Option<String>,
        name: Option<String>,
        fields: Vec<(&'static str, Field)>,
        labels: Option<BTreeMap<String, String>>,
        properties: Option<Map<String, Value>>,
        refs: BTreeMap<String, SecretRef>,
        parent: Parent,
    ) -> Result<usize> {
        let secrets = secrets(&path, refs)?;
        self.items.push(Desired {
            noun,
            path,
            kind,
            name,
            fields,
            labels,
            properties,
            secrets,
            parent,
        });
        Ok(self.items.len() - 1)
    }

    /// The parent of a child at `path`: its gateway, or what its `parent-id` names.
    fn parent(&self, path: &str, gateway: Option<usize>, id: Option<String>) -> Result<Parent> {
        match (gateway, id) {
            (Some(_), Some(_)) => Err(input(format!(
                "{path}: parent-id is for the profile level; here the gateway is the parent"
            ))),
            (Some(g), None) => Ok(Parent::Declared(g)),
            (None, Some(id)) => Ok(Parent::Id(id)),
            (None, None) => Ok(Parent::None),
        }
    }

    fn tunnel(&mut self, path: String, t: TunnelDecl, gateway: Option<usize>) -> Result<()> {
        let parent = self.parent(&path, gateway, t.parent_id)?;
        let mut f = Vec::new();
        text(&mut f, "description", t.description);
        text(&mut f, "remote-address", t.remote_address);
        list(&mut f, "local-networks", t.local_networks);
        list(&mut f, "remote-networks", t.remote_networks);
        if let Some(ipsec) = t.ipsec {
            let given = serde_json::to_value(ipsec).expect("plain data");
            let params = crate::ipsec::from_json(Some(&given), &path)?.expect("an object");
            let mut view = crate::ipsec::view(&params);
            if let Value::Object(m) = &mut view {
                m.retain(|_, v| !v.is_null());
            }
            f.push(("ipsec", Field::Json(view)));
        }
        self.push(
            Noun::Tunnel,
            path,
            t.kind,
            t.name,
            f,
            t.labels,
            t.properties,
            t.secrets,
            parent,
        )?;
        Ok(())
    }

    fn peer(&mut self, path: String, p: PeerDecl, gateway: Option<usize>) -> Result<()> {
        let parent = self.parent(&path, gateway, p.parent_id)?;
        let mut f = Vec::new();
        text(&mut f, "description", p.description);
        text(&mut f, "public-key", p.public_key);
        text(&mut f, "endpoint", p.endpoint);
        list(&mut f, "allowed-networks", p.allowed_networks);
        self.push(
            Noun::Peer,
            path,
            p.kind,
            p.name,
            f,
            p.labels,
            p.properties,
            p.secrets,
            parent,
        )?;
        Ok(())
    }

    fn mapping(&mut self, path: String, m: MappingDecl, gateway: Option<usize>) -> Result<()> {
        let parent = self.parent(&path, gateway, m.parent_id)?;
        let mut f = Vec::new();
        text(&mut f, "source", m.source);
        text(&mut f, "destination", m.destination);
        list(&mut f, "allowed-networks", m.allowed_networks);
        self.push(
            Noun::Mapping,
            path,
            m.kind,
            m.name,
            f,
            m.labels,
            m.properties,
            m.secrets,
            parent,
        )?;
        Ok(())
    }

    fn gateway(&mut self, path: String, g: GatewayDecl) -> Result<()> {
        let mut f = Vec::new();
        text(&mut f, "description", g.description);
        text(&mut f, "public-address", g.public_address);
        list(&mut f, "networks", g.networks);
        let at = self.push(
            Noun::Gateway,
            path.clone(),
            g.kind,
            g.name,
            f,
            g.labels,
            g.properties,
            g.secrets,
            Parent::None,
        )?;
        for (i, t) in g.tunnels.into_iter().enumerate() {
            self.tunnel(format!("{path}.tunnels[{i}]"), t, Some(at))?;
        }
        for (i, p) in g.peers.into_iter().enumerate() {
            self.peer(format!("{path}.peers[{i}]"), p, Some(at))?;
        }
        for (i, m) in g.mappings.into_iter().enumerate() {
            self.mapping(format!("{path}.mappings[{i}]"), m, Some(at))?;
        }
        Ok(())
    }
}

fn flatten(profile: &str, decl: ProfileDecl) -> Result<Vec<Desired>> {
    let mut f = Flattener {
        profile,
        items: Vec::new(),
    };
    let base = format!("profiles.{}", f.profile);
    for (i, g) in decl.gateways.into_iter().enumerate() {
        f.gateway(format!("{base}.gateways[{i}]"), g)?;
    }
    for (i, t) in decl.tunnels.into_iter().enumerate() {
        f.tunnel(format!("{base}.tunnels[{i}]"), t, None)?;
    }
    for (i, p) in decl.peers.into_iter().enumerate() {
        f.peer(format!("{base}.peers[{i}]"), p, None)?;
    }
    for (i, m) in decl.mappings.into_iter().enumerate() {
        f.mapping(format!("{base}.mappings[{i}]"), m, None)?;
    }
    Ok(f.items)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gateways_come_before_their_children_which_name_them() {
        let parsed = parse(
            "profiles:\n  fra:\n    gateways:\n      - name: g\n        networks: [10.0.0.0/24]\n        \
             tunnels:\n          - name: t\n            secrets: {psk: env:PSK}\n    mappings:\n      \
             - destination: sim:1\n        parent-id: s1\n",
        )
        .unwrap();
        let items = &parsed.profiles[0].items;
        assert_eq!(parsed.profiles[0].profile, "fra");
        assert_eq!(items[0].noun, Noun::Gateway);
        assert_eq!(
            items[0].fields,
            [("networks", Field::List(vec!["10.0.0.0/24".into()]))]
        );
        assert_eq!(items[1].parent, Parent::Declared(0));
        assert_eq!(items[1].secrets[0].source, SecretSource::Env("PSK".into()));
        assert_eq!(items[1].path, "profiles.fra.gateways[0].tunnels[0]");
        assert_eq!(items[2].parent, Parent::Id("s1".into()));
    }

    #[test]
    fn literal_secrets_unknown_keys_and_stdin_are_refused() {
        let literal = parse(
            "profiles:\n  a:\n    peers:\n      - name: p\n        secrets: {key: hunter2-very-secret}\n",
        )
        .unwrap_err()
        .to_string();
        assert!(
            literal.contains("never taken from the command line"),
            "{literal}"
        );
        assert!(!literal.contains("hunter2"), "{literal}");
        let unknown = parse("profiles:\n  a:\n    gateways:\n      - nmae: g\n")
            .unwrap_err()
            .to_string();
        assert!(unknown.contains("nmae"), "{unknown}");
        let stdin = parse("profiles:\n  a:\n    peers:\n      - secrets: {k: stdin}\n")
            .unwrap_err()
            .to_string();
        assert!(stdin.contains("cannot come from stdin"), "{stdin}");
        let nested = parse(
            "profiles:\n  a:\n    gateways:\n      - name: g\n        tunnels:\n          - parent-id: x\n",
        )
        .unwrap_err()
        .to_string();
        assert!(
            nested.contains("parent-id is for the profile level"),
            "{nested}"
        );
    }

    #[test]
    fn json_is_read_too_and_the_schema_names_every_noun() {
        let parsed =
            parse(r#"{"profiles": {"jp": {"mappings": [{"destination": "d"}]}}}"#).unwrap();
        assert_eq!(parsed.profiles[0].items[0].noun, Noun::Mapping);
        let schema = schema().to_string();
        for word in [
            "GatewayDecl",
            "TunnelDecl",
            "PeerDecl",
            "MappingDecl",
            "remote-address",
        ] {
            assert!(schema.contains(word), "{word} missing from {schema}");
        }
    }
}
