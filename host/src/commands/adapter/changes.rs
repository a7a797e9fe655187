//! What an upgrade changes since the approved lock entry: hosts, credentials and secret inputs
//! added or removed, a new version, contract version, sha256, signature or registry digest.
//! Install shows it and asks again.

use crate::config::LockEntry;

/// What changed between the approved lock entry and the one about to be approved.
#[derive(Debug, Default, PartialEq, Eq)]
pub(super) struct Changes {
    hosts_added: Vec<String>,
    hosts_removed: Vec<String>,
    credentials_added: Vec<String>,
    credentials_removed: Vec<String>,
    secret_inputs_added: Vec<String>,
    secret_inputs_removed: Vec<String>,
    version: Option<(String, String)>,
    contract: Option<(String, String)>,
    sha256: Option<(String, String)>,
    signature: Option<(String, String)>,
    digest: Option<(String, String)>,
}

fn added(old: &[String], new: &[String]) -> Vec<String> {
    new.iter().filter(|n| !old.contains(n)).cloned().collect()
}

impl Changes {
    pub(super) fn between(old: &LockEntry, new: &LockEntry) -> Self {
        let changed = |a: &String, b: &String| (a != b).then(|| (a.clone(), b.clone()));
        // Entries approved before secret inputs were recorded have nothing to compare with.
        let (old_inputs, new_inputs) = match (&old.secret_inputs, &new.secret_inputs) {
            (Some(old), Some(new)) => (old.as_slice(), new.as_slice()),
            _ => (&[][..], &[][..]),
        };
        let digest = |e: &LockEntry| e.registry.as_ref().map(|r| r.digest.clone());
        Self {
            hosts_added: added(&old.hosts, &new.hosts),
            hosts_removed: added(&new.hosts, &old.hosts),
            credentials_added: added(&old.credentials, &new.credentials),
            credentials_removed: added(&new.credentials, &old.credentials),
            secret_inputs_added: added(old_inputs, new_inputs),
            secret_inputs_removed: added(new_inputs, old_inputs),
            version: changed(&old.version, &new.version),
            contract: changed(&old.wit, &new.wit).map(|(a, b)| {
                (
                    format!("portico:adapter@{a}"),
                    format!("portico:adapter@{b}"),
                )
            }),
            sha256: changed(&old.sha256, &new.sha256),
            signature: changed(&old.signature, &new.signature),
            digest: match (digest(old), digest(new)) {
                (Some(a), Some(b)) if a != b => Some((a, b)),
                _ => None,
            },
        }
    }

    pub(super) fn is_empty(&self) -> bool {
        *self == Self::default()
    }

    /// One line per change, as the install summary shows them.
    pub(super) fn lines(&self) -> Vec<String> {
        let mut out = Vec::new();
        for (mark, label, items) in [
            ('+', "host", &self.hosts_added),
            ('-', "host", &self.hosts_removed),
            ('+', "credential", &self.credentials_added),
            ('-', "credential", &self.credentials_removed),
            ('+', "secret input", &self.secret_inputs_added),
            ('-', "secret input", &self.secret_inputs_removed),
        ] {
            out.extend(items.iter().map(|i| format!("  {mark} {label} {i}")));
        }
        for (label, change) in [
            ("version", &self.version),
            ("contract", &self.contract),
            ("sha256", &self.sha256),
            ("signature", &self.signature),
            ("registry digest", &self.digest),
        ] {
            if let Some((old, new)) = change {
                out.push(format!("  ~ {label} {old} -> {new}"));
            }
        }
        out
    }

    /// A short summary for the refusal message.
    pub(super) fn summary(&self) -> String {
        let count = |n: usize, what: &str, how: &str| {
            (n > 0).then(|| format!("{n} {what}{} {how}", if n == 1 { "" } else { "s" }))
        };
        let parts: Vec<String> = [
            count(self.hosts_added.len(), "host", "added"),
            count(self.hosts_removed.len(), "host", "removed"),
            count(self.credentials_added.len(), "credential", "added"),
            count(self.credentials_removed.len(), "credential", "removed"),
            count(self.secret_inputs_added.len(), "secret input", "added"),
            count(self.secret_inputs_removed.len(), "secret input", "removed"),
            self.version
                .as_ref()
                .map(|(_, new)| format!("version {new}")),
            self.contract
                .as_ref()
                .map(|(_, new)| format!("contract {new}")),
            self.sha256.as_ref().map(|_| "new sha256".to_string()),
            self.signature
                .as_ref()
                .map(|_| "signature changed".to_string()),
        ]
        .into_iter()
        .flatten()
        .collect();
        parts.join(", ")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(hosts: &[&str], credentials: &[&str], sha256: &str) -> LockEntry {
        LockEntry {
            version: "1".into(),
            provider: "p".into(),
            wit: "0.1.0".into(),
            sha256: sha256.into(),
            file: "a.wasm".into(),
            hosts: hosts.iter().map(ToString::to_string).collect(),
            credentials: credentials.iter().map(ToString::to_string).collect(),
            approved_at: "now".into(),
            signature: "unsigned (no trusted keys configured)".into(),
            secret_inputs: Some(vec!["psk: POST /t body /psk".into()]),
            registry: None,
        }
    }

    #[test]
    fn changes_list_exactly_what_differs() {
        let old = entry(&["a.example.com", "b.example.com"], &["key"], "00");
        assert!(Changes::between(&old, &old).is_empty());
        let mut new = entry(&["a.example.com", "c.example.com"], &["key", "token"], "11");
        new.signature = "minisign key 0123456789ABCDEF".into();
        let changes = Changes::between(&old, &new);
        assert_eq!(
            changes.lines(),
            [
                "  + host c.example.com",
                "  - host b.example.com",
                "  + credential token",
                "  ~ sha256 00 -> 11",
                "  ~ signature unsigned (no trusted keys configured) -> minisign key \
                 0123456789ABCDEF",
            ]
        );
        assert_eq!(
            changes.summary(),
            "1 host added, 1 host removed, 1 credential added, new sha256, signature changed"
        );
        let fewer = entry(&[], &[], "00");
        assert_eq!(
            Changes::between(&old, &fewer).summary(),
            "2 hosts removed, 1 credential removed"
        );
    }

    #[test]
    fn secret_inputs_version_contract_and_registry_digest() {
        let mut old = entry(&[], &[], "00");
        old.registry = Some(crate::config::RegistrySource {
            reference: "r/a:1".into(),
            digest: "sha256:aa".into(),
        });
        let mut new = old.clone();
        new.version = "2".into();
        new.wit = "0.2.0".into();
        new.secret_inputs = Some(vec![
            "psk: POST /t header X-Psk".into(),
            "key: POST /k body /k".into(),
        ]);
        new.registry = Some(crate::config::RegistrySource {
            reference: "r/a:2".into(),
            digest: "sha256:bb".into(),
        });
        let changes = Changes::between(&old, &new);
        assert_eq!(
            changes.lines(),
            [
                "  + secret input psk: POST /t header X-Psk",
                "  + secret input key: POST /k body /k",
                "  - secret input psk: POST /t body /psk",
                "  ~ version 1 -> 2",
                "  ~ contract portico:adapter@0.1.0 -> portico:adapter@0.2.0",
                "  ~ registry digest sha256:aa -> sha256:bb",
            ]
        );
        assert_eq!(
            changes.summary(),
            "2 secret inputs added, 1 secret input removed, version 2, contract portico:adapter@0.2.0"
        );
        // An entry approved before secret inputs were recorded compares only the rest.
        old.secret_inputs = None;
        assert!(
            !Changes::between(&old, &new)
                .lines()
                .iter()
                .any(|l| l.contains("secret input"))
        );
    }
}
