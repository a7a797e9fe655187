//! What the broker may do for one profile: [`BrokerConfig::for_profile`] turns the approved
//! lock entry, the profile and the adapter's description into grants and credential bindings.

use super::placement::Placements;
use super::policy::{Grants, HostPattern, Origin};
use super::secrets::SecretInputs;
use super::tape::Tape;
use super::{Binding, BrokerConfig, scheme};
use crate::config::{Limits, LockEntry, Profile};
use crate::wit::adapter;
use anyhow::Result;
use std::collections::BTreeMap;

/// The reserved setting whose value replaces the provider's hosts for a profile.
pub(crate) const ENDPOINT_SETTING: &str = "endpoint";

/// Everything a profile's command grants an adapter.
pub(crate) struct ProfileGrant<'a> {
    /// Profile name.
    pub name: &'a str,
    /// The profile.
    pub profile: &'a Profile,
    /// What the user approved at install.
    pub entry: &'a LockEntry,
    /// What the adapter says it needs now.
    pub description: &'a adapter::Description,
    /// Secret inputs given for this command.
    pub secrets: SecretInputs,
    /// Limits of every call.
    pub limits: Limits,
    /// The contract version the adapter was built against.
    pub contract: &'a str,
    /// A cassette to record into or replay from.
    pub tape: Option<Tape>,
}

impl BrokerConfig {
    /// The approved hosts that the adapter still declares, the profile's endpoint, and the
    /// approved credentials bound to their hosts. The description is validated again (the
    /// component is pinned, but its answers are the adapter's).
    pub(crate) fn for_profile(grant: ProfileGrant<'_>) -> Result<Self> {
        let ProfileGrant {
            name,
            profile,
            entry,
            description,
            secrets,
            limits,
            contract,
            tape,
        } = grant;
        let declared = scheme::validate_description(description)?;
        let approved = HostPattern::parse_all(&entry.hosts)?;
        let granted: Vec<_> = declared
            .iter()
            .filter(|p| approved.contains(p))
            .cloned()
            .collect();
        let grants = Grants::new(granted, endpoint_origin(&profile.settings)?);
        let mut bindings = BTreeMap::new();
        let mut credential_headers = Vec::new();
        for spec in &description.credentials {
            credential_headers.extend(spec.schemes.iter().flat_map(scheme::headers));
            if !entry.credentials.contains(&spec.name) {
                continue;
            }
            let hosts = grants.restricted_to(&HostPattern::parse_all(&spec.hosts)?);
            let stored = profile
                .credentials
                .get(&spec.name)
                .cloned()
                .unwrap_or_else(|| spec.name.clone());
            bindings.insert(
                spec.name.clone(),
                Binding {
                    spec: spec.clone(),
                    stored,
                    hosts,
                },
            );
        }
        let mut settings: BTreeMap<String, String> = description
            .settings
            .iter()
            .filter_map(|s| s.default_value.clone().map(|d| (s.key.clone(), d)))
            .collect();
        settings.extend(profile.settings.clone());
        let placements = if contract == "0.1.0" {
            Placements::AnyBodyField
        } else {
            Placements::Declared(
                description
                    .secret_inputs
                    .iter()
                    .map(|s| (s.name.clone(), s.placements.clone()))
                    .collect(),
            )
        };
        Ok(Self {
            adapter: description.name.clone(),
            profile: Some(name.to_string()),
            grants,
            declared,
            bindings,
            settings,
            secrets,
            other_secrets: Vec::new(),
            placements,
            tape,
            credential_headers,
            limits,
            ca_file: profile.ca_file.clone(),
        })
    }
}

/// The origin of a profile's `endpoint` setting, if it has one.
pub(crate) fn endpoint_origin(settings: &BTreeMap<String, String>) -> Result<Option<Origin>> {
    settings
        .get(ENDPOINT_SETTING)
        .map(|e| Origin::parse(e).map_err(|err| anyhow::anyhow!("invalid endpoint {e:?}: {err}")))
        .transpose()
}
