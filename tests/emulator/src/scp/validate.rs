//! Request bodies of the SCP VPN API, checked with the limits SCP's provider documentation gives
//! (names 1..20 letters and digits, descriptions up to 40 characters, pre-shared keys 8..64,
//! lifetimes 120..172800 s, DPD 1..3600 s, 1..3 Diffie-Hellman groups, 1..10 proposals, 1..20
//! remote subnets). Problems are collected as `field: message` lines, all reported at once.

use std::net::Ipv4Addr;

use serde_json::{Map, Value};

use super::ApiVersion;
use super::store::{Phase1, Phase2};

type Problems = Vec<String>;

const DH_GROUPS: [u64; 17] = [
    1, 2, 5, 14, 15, 16, 17, 18, 19, 20, 21, 27, 28, 29, 30, 31, 32,
];
const CIPHERS: [&str; 10] = [
    "null", "des", "3des", "aes128", "aes192", "aes256", "aria128", "aria192", "aria256", "seed",
];
const HASHES: [&str; 6] = ["null", "md5", "sha1", "sha256", "sha384", "sha512"];
const AEAD: [&str; 4] = [
    "aes128gcm",
    "aes256gcm",
    "chacha20poly1305",
    "chacha20poly1305-prfsha256",
];

fn encryption_ok(name: &str) -> bool {
    if AEAD.contains(&name) {
        return true;
    }
    name.split_once('-').is_some_and(|(cipher, hash)| {
        CIPHERS.contains(&cipher) && HASHES.contains(&hash) && (cipher, hash) != ("null", "null")
    })
}

/// Parses `a.b.c.d/n` into (network address, prefix length).
pub(super) fn cidr(text: &str) -> Option<(u32, u32)> {
    let (addr, len) = text.split_once('/')?;
    let addr: Ipv4Addr = addr.parse().ok()?;
    let len: u32 = len.parse().ok().filter(|l| *l <= 32)?;
    let mask = if len == 0 { 0 } else { u32::MAX << (32 - len) };
    Some((u32::from(addr) & mask, len))
}

/// Whether two CIDRs share an address.
pub(super) fn overlaps(a: (u32, u32), b: (u32, u32)) -> bool {
    let len = a.1.min(b.1);
    let mask = if len == 0 { 0 } else { u32::MAX << (32 - len) };
    a.0 & mask == b.0 & mask
}

/// The JSON object a body must be.
pub(super) fn object(body: &Value) -> Result<&Map<String, Value>, Problems> {
    body.as_object()
        .ok_or_else(|| vec!["body: must be a JSON object".to_owned()])
}

/// A field reader that collects problems; `required` decides whether absence is one.
struct Fields<'a> {
    obj: &'a Map<String, Value>,
    prefix: &'static str,
    required: bool,
    problems: &'a mut Problems,
}

impl Fields<'_> {
    fn problem(&mut self, key: &str, message: &str) {
        self.problems
            .push(format!("{}{key}: {message}", self.prefix));
    }

    fn present(&mut self, key: &str) -> Option<&Value> {
        match self.obj.get(key) {
            None | Some(Value::Null) => {
                if self.required {
                    self.problems
                        .push(format!("{}{key}: field required", self.prefix));
                }
                None
            }
            Some(value) => Some(value),
        }
    }

    fn string(&mut self, key: &str, ok: impl Fn(&str) -> bool, rule: &str) -> Option<String> {
        let value = self.present(key)?.clone();
        match value.as_str() {
            Some(text) if ok(text) => Some(text.to_owned()),
            _ => {
                self.problem(key, rule);
                None
            }
        }
    }

    fn int(&mut self, key: &str, min: u64, max: u64) -> Option<u64> {
        let value = self.present(key)?.clone();
        match value.as_u64() {
            Some(n) if (min..=max).contains(&n) => Some(n),
            _ => {
                self.problem(key, &format!("must be an integer from {min} to {max}"));
                None
            }
        }
    }

    fn groups(&mut self, key: &str) -> Option<Vec<u64>> {
        let value = self.present(key)?.clone();
        let groups: Option<Vec<u64>> = value
            .as_array()
            .and_then(|items| items.iter().map(Value::as_u64).collect());
        match groups {
            Some(g) if (1..=3).contains(&g.len()) && g.iter().all(|n| DH_GROUPS.contains(n)) => {
                Some(g)
            }
            _ => {
                self.problem(key, "must list 1 to 3 supported Diffie-Hellman groups");
                None
            }
        }
    }

    fn strings(
        &mut self,
        key: &str,
        max: usize,
        ok: impl Fn(&str) -> bool,
        rule: &str,
    ) -> Option<Vec<String>> {
        let value = self.present(key)?.clone();
        let items: Option<Vec<String>> = value.as_array().and_then(|items| {
            items
                .iter()
                .map(|v| v.as_str().map(str::to_owned))
                .collect()
        });
        match items {
            Some(list) if (1..=max).contains(&list.len()) && list.iter().all(|s| ok(s)) => {
                Some(list)
            }
            _ => {
                self.problem(key, rule);
                None
            }
        }
    }

    /// `description`: absent keeps, null clears, text up to 40 characters sets.
    fn description(&mut self) -> Option<Option<String>> {
        match self.obj.get("description") {
            None => None,
            Some(Value::Null) => Some(None),
            Some(Value::String(text)) if text.chars().count() <= 40 => Some(Some(text.clone())),
            Some(_) => {
                self.problem("description", "must be text of at most 40 characters");
                None
            }
        }
    }
}

fn name_ok(name: &str) -> bool {
    (1..=20).contains(&name.len()) && name.bytes().all(|b| b.is_ascii_alphanumeric())
}

const NAME_RULE: &str = "must be 1 to 20 English letters and digits";

/// A validated `createVpnGateway` body.
pub(super) struct GatewayCreate {
    pub(super) name: String,
    pub(super) description: Option<String>,
    pub(super) ip_address: String,
    pub(super) ip_id: String,
    pub(super) ip_type: String,
    pub(super) vpc_id: String,
}

pub(super) fn gateway_create(body: &Value) -> Result<GatewayCreate, Problems> {
    let obj = object(body)?;
    let mut problems = Vec::new();
    let mut f = Fields {
        obj,
        prefix: "",
        required: true,
        problems: &mut problems,
    };
    let name = f.string("name", name_ok, NAME_RULE);
    let ip_address = f.string(
        "ip_address",
        |s| s.parse::<Ipv4Addr>().is_ok(),
        "must be an IPv4 address",
    );
    let ip_id = f.string("ip_id", |s| !s.is_empty(), "must not be empty");
    let ip_type = f.string("ip_type", |s| s == "PUBLIC", "must be PUBLIC");
    let vpc_id = f.string("vpc_id", |s| !s.is_empty(), "must not be empty");
    let description = f.description().flatten();
    if obj
        .get("tags")
        .is_some_and(|t| !t.is_array() && !t.is_null())
    {
        problems.push("tags: must be a list of {key, value}".into());
    }
    match (name, ip_address, ip_id, ip_type, vpc_id) {
        (Some(name), Some(ip_address), Some(ip_id), Some(ip_type), Some(vpc_id))
            if problems.is_empty() =>
        {
            Ok(GatewayCreate {
                name,
                description,
                ip_address,
                ip_id,
                ip_type,
                vpc_id,
            })
        }
        _ => Err(problems),
    }
}

/// A `setVpnGateway` body: the new description (only field it may hold).
pub(super) fn gateway_set(body: &Value) -> Result<Option<Option<String>>, Problems> {
    let obj = object(body)?;
    let mut problems: Problems = obj
        .keys()
        .filter(|k| *k != "description")
        .map(|k| format!("{k}: cannot be changed (only description can)"))
        .collect();
    let description = Fields {
        obj,
        prefix: "",
        required: false,
        problems: &mut problems,
    }
    .description();
    if problems.is_empty() {
        Ok(description)
    } else {
        Err(problems)
    }
}

/// A validated `createVpnTunnel` body.
pub(super) struct TunnelCreate {
    pub(super) name: String,
    pub(super) description: Option<String>,
    pub(super) gateway_id: String,
    pub(super) phase1: Phase1,
    pub(super) phase2: Phase2,
}

fn sub_object<'a>(
    obj: &'a Map<String, Value>,
    key: &str,
    required: bool,
    problems: &mut Problems,
) -> Option<&'a Map<String, Value>> {
    match obj.get(key) {
        None | Some(Value::Null) if !required => None,
        Some(Value::Object(map)) => Some(map),
        _ => {
            problems.push(format!("{key}: must be an object"));
            None
        }
    }
}

/// The remote subnets of a phase 2 object in the shape of `version`.
fn subnets(f: &mut Fields<'_>, version: ApiVersion) -> Option<Vec<String>> {
    let cidr_ok = |s: &str| cidr(s).is_some();
    match version {
        ApiVersion::V1_1 => {
            if f.obj.contains_key("remote_subnet") {
                f.problem(
                    "remote_subnet",
                    "is not a field of API 1.1 (use remote_subnets)",
                );
            }
            f.strings(
                "remote_subnets",
                20,
                cidr_ok,
                "must list 1 to 20 IPv4 CIDRs",
            )
        }
        ApiVersion::V1_0 => {
            if f.obj.contains_key("remote_subnets") {
                f.problem(
                    "remote_subnets",
                    "is not a field of API 1.0 (use remote_subnet)",
                );
            }
            f.string("remote_subnet", cidr_ok, "must be an IPv4 CIDR")
                .map(|s| vec![s])
        }
    }
}

pub(super) fn tunnel_create(body: &Value, version: ApiVersion) -> Result<TunnelCreate, Problems> {
    let obj = object(body)?;
    let mut problems = Vec::new();
    let mut f = Fields {
        obj,
        prefix: "",
        required: true,
        problems: &mut problems,
    };
    let name = f.string("name", name_ok, NAME_RULE);
    let gateway_id = f.string("vpn_gateway_id", |s| !s.is_empty(), "must not be empty");
    let description = f.description().flatten();
    let p1 = sub_object(obj, "phase1", true, &mut problems);
    let p2 = sub_object(obj, "phase2", true, &mut problems);
    let mut phase1 = None;
    if let Some(p1) = p1 {
        let mut f = Fields {
            obj: p1,
            prefix: "phase1.",
            required: true,
            problems: &mut problems,
        };
        let peer = f.string(
            "peer_gateway_ip",
            |s| s.parse::<Ipv4Addr>().is_ok(),
            "must be an IPv4 address",
        );
        let ike = f.int("ike_version", 1, 2);
        let psk = f.string(
            "pre_shared_key",
            |s| (8..=64).contains(&s.chars().count()),
            "must be 8 to 64 characters",
        );
        let dpd = f.int("dpd_retry_interval", 1, 3600);
        let life = f.int("phase1_life_time", 120, 172_800);
        let groups = f.groups("phase1_diffie_hellman_groups");
        let encs = f.strings(
            "phase1_encryptions",
            10,
            encryption_ok,
            "must list 1 to 10 supported proposals",
        );
        if let (Some(peer), Some(ike), Some(psk), Some(dpd), Some(life), Some(groups), Some(encs)) =
            (peer, ike, psk, dpd, life, groups, encs)
        {
            phase1 = Some(Phase1 {
                peer_gateway_ip: peer,
                ike_version: ike,
                pre_shared_key: psk,
                dpd_retry_interval: dpd,
                life_time: life,
                diffie_hellman_groups: groups,
                encryptions: encs,
            });
        }
    }
    let mut phase2 = None;
    if let Some(p2) = p2 {
        let mut f = Fields {
            obj: p2,
            prefix: "phase2.",
            required: true,
            problems: &mut problems,
        };
        let pfs = f.string(
            "perfect_forward_secrecy",
            |s| matches!(s, "ENABLE" | "DISABLE"),
            "must be ENABLE or DISABLE",
        );
        let life = f.int("phase2_life_time", 120, 172_800);
        let groups = f.groups("phase2_diffie_hellman_groups");
        let encs = f.strings(
            "phase2_encryptions",
            10,
            encryption_ok,
            "must list 1 to 10 supported proposals",
        );
        let subnets = subnets(&mut f, version);
        if let (Some(pfs), Some(life), Some(groups), Some(encs), Some(subnets)) =
            (pfs, life, groups, encs, subnets)
        {
            phase2 = Some(Phase2 {
                perfect_forward_secrecy: pfs,
                life_time: life,
                diffie_hellman_groups: groups,
                encryptions: encs,
                remote_subnets: subnets,
            });
        }
    }
    match (name, gateway_id, phase1, phase2) {
        (Some(name), Some(gateway_id), Some(phase1), Some(phase2)) if problems.is_empty() => {
            Ok(TunnelCreate {
                name,
                description,
                gateway_id,
                phase1,
                phase2,
            })
        }
        _ => Err(problems),
    }
}

/// Applies a partial `setVpnTunnel` body to copies of the current settings.
pub(super) fn tunnel_set(
    body: &Value,
    version: ApiVersion,
    description: &mut Option<String>,
    phase1: &mut Phase1,
    phase2: &mut Phase2,
) -> Result<(), Problems> {
    let obj = object(body)?;
    let mut problems: Problems = obj
        .keys()
        .filter(|k| !matches!(k.as_str(), "description" | "phase1" | "phase2"))
        .map(|k| format!("{k}: cannot be changed"))
        .collect();
    let mut f = Fields {
        obj,
        prefix: "",
        required: false,
        problems: &mut problems,
    };
    if let Some(new) = f.description() {
        *description = new;
    }
    if let Some(p1) = sub_object(obj, "phase1", false, &mut problems) {
        let mut f = Fields {
            obj: p1,
            prefix: "phase1.",
            required: false,
            problems: &mut problems,
        };
        if let Some(v) = f.string(
            "peer_gateway_ip",
            |s| s.parse::<Ipv4Addr>().is_ok(),
            "must be an IPv4 address",
        ) {
            phase1.peer_gateway_ip = v;
        }
        if let Some(v) = f.int("ike_version", 1, 2) {
            phase1.ike_version = v;
        }
        if let Some(v) = f.string(
            "pre_shared_key",
            |s| (8..=64).contains(&s.chars().count()),
            "must be 8 to 64 characters",
        ) {
            phase1.pre_shared_key = v;
        }
        if let Some(v) = f.int("dpd_retry_interval", 1, 3600) {
            phase1.dpd_retry_interval = v;
        }
        if let Some(v) = f.int("phase1_life_time", 120, 172_800) {
            phase1.life_time = v;
        }
        if let Some(v) = f.groups("phase1_diffie_hellman_groups") {
            phase1.diffie_hellman_groups = v;
        }
        if let Some(v) = f.strings(
            "phase1_encryptions",
            10,
            encryption_ok,
            "must list 1 to 10 supported proposals",
        ) {
            phase1.encryptions = v;
        }
    }
    if let Some(p2) = sub_object(obj, "phase2", false, &mut problems) {
        let mut f = Fields {
            obj: p2,
            prefix: "phase2.",
            required: false,
            problems: &mut problems,
        };
        if let Some(v) = f.string(
            "perfect_forward_secrecy",
            |s| matches!(s, "ENABLE" | "DISABLE"),
            "must be ENABLE or DISABLE",
        ) {
            phase2.perfect_forward_secrecy = v;
        }
        if let Some(v) = f.int("phase2_life_time", 120, 172_800) {
            phase2.life_time = v;
        }
        if let Some(v) = f.groups("phase2_diffie_hellman_groups") {
            phase2.diffie_hellman_groups = v;
        }
        if let Some(v) = f.strings(
            "phase2_encryptions",
            10,
            encryption_ok,
            "must list 1 to 10 supported proposals",
        ) {
            phase2.encryptions = v;
        }
        if let Some(v) = subnets(&mut f, version) {
            phase2.remote_subnets = v;
        }
    }
    if problems.is_empty() {
        Ok(())
    } else {
        Err(problems)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn cidrs_parse_and_overlap() {
        assert_eq!(cidr("10.1.2.3/16"), Some((0x0a01_0000, 16)));
        assert_eq!(cidr("10.1.0.0/33"), None);
        assert_eq!(cidr("nope"), None);
        let a = cidr("10.1.0.0/16").unwrap();
        assert!(overlaps(a, cidr("10.1.5.0/24").unwrap()));
        assert!(!overlaps(a, cidr("10.2.0.0/16").unwrap()));
    }

    #[test]
    fn proposals() {
        assert!(encryption_ok("aes256-sha256"));
        assert!(encryption_ok("null-md5"));
        assert!(encryption_ok("chacha20poly1305"));
        assert!(!encryption_ok("null-null"));
        assert!(!encryption_ok("rot13-md5"));
    }

    fn tunnel(version_field: (&str, Value)) -> Value {
        let mut body = json!({
            "name": "t1", "vpn_gateway_id": "g",
            "phase1": {"peer_gateway_ip": "198.51.100.2", "ike_version": 2,
                       "pre_shared_key": "secret-psk-1", "dpd_retry_interval": 60,
                       "phase1_life_time": 86400, "phase1_diffie_hellman_groups": [14],
                       "phase1_encryptions": ["aes256-sha256"]},
            "phase2": {"perfect_forward_secrecy": "ENABLE", "phase2_life_time": 43200,
                       "phase2_diffie_hellman_groups": [14], "phase2_encryptions": ["aes256gcm"]}
        });
        body["phase2"][version_field.0] = version_field.1;
        body
    }

    #[test]
    fn tunnel_bodies_follow_the_version() {
        let v11 = tunnel(("remote_subnets", json!(["10.1.0.0/16"])));
        let ok = tunnel_create(&v11, ApiVersion::V1_1).ok().unwrap();
        assert_eq!(ok.phase2.remote_subnets, ["10.1.0.0/16"]);
        let problems = tunnel_create(&v11, ApiVersion::V1_0).err().unwrap();
        assert!(
            problems.iter().any(|p| p.contains("API 1.0")),
            "{problems:?}"
        );
        let v10 = tunnel(("remote_subnet", json!("10.1.0.0/16")));
        assert!(tunnel_create(&v10, ApiVersion::V1_0).is_ok());
        assert!(tunnel_create(&v10, ApiVersion::V1_1).is_err());
        let problems = tunnel_create(&json!({"name": "bad name!"}), ApiVersion::V1_1)
            .err()
            .unwrap();
        assert!(problems.iter().any(|p| p.starts_with("name:")));
        assert!(problems.iter().any(|p| p == "phase1: must be an object"));
    }
}
