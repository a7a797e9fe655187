//! The Toy VPN gateways in memory, their lifecycle (computed from timestamps whenever one is
//! read) and the checks on what a create or update may set.

use std::time::{Duration, SystemTime};

use serde_json::{Map, Value, json};

/// Regions a gateway may be placed in; the first is the default.
pub(crate) const REGIONS: [&str; 2] = ["eu-1", "us-1"];

/// One gateway.
#[derive(Clone, Debug)]
pub(crate) struct Gateway {
    pub(crate) id: String,
    pub(crate) name: String,
    region: String,
    networks: Vec<String>,
    public_ip: String,
    created: SystemTime,
    changed: Option<SystemTime>,
    ready_at: SystemTime,
    gone_at: Option<SystemTime>,
}

/// The lifecycle: `provisioning` after a create, `updating` after a change, `available` once
/// the provisioning delay has passed, `deleting` until the deletion delay has.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum State {
    Provisioning,
    Updating,
    Available,
    Deleting,
}

impl State {
    fn as_str(self) -> &'static str {
        match self {
            State::Provisioning => "provisioning",
            State::Updating => "updating",
            State::Available => "available",
            State::Deleting => "deleting",
        }
    }
}

impl Gateway {
    pub(crate) fn state(&self, now: SystemTime) -> State {
        match (self.gone_at, now < self.ready_at, self.changed) {
            (Some(_), _, _) => State::Deleting,
            (None, true, None) => State::Provisioning,
            (None, true, Some(_)) => State::Updating,
            (None, false, _) => State::Available,
        }
    }

    /// The gateway as the API renders it.
    pub(crate) fn render(&self, now: SystemTime) -> Value {
        json!({
            "id": self.id,
            "name": self.name,
            "region": self.region,
            "state": self.state(now).as_str(),
            "public_ip": self.public_ip,
            "networks": self.networks,
            "created_at": humantime::format_rfc3339_seconds(self.created).to_string(),
        })
    }
}

/// Why a request body was refused: the field at fault and what is wrong with it.
#[derive(Debug)]
pub(crate) struct Invalid {
    pub(crate) field: &'static str,
    pub(crate) message: String,
}

fn invalid(field: &'static str, message: impl Into<String>) -> Invalid {
    Invalid {
        field,
        message: message.into(),
    }
}

/// A name: 1 to 63 lower-case letters, digits and `-`, starting with a letter.
fn name(value: &Value) -> Result<String, Invalid> {
    let text = value.as_str().unwrap_or_default();
    let ok = (1..=63).contains(&text.len())
        && text.starts_with(|c: char| c.is_ascii_lowercase())
        && text
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-');
    if !ok {
        return Err(invalid(
            "name",
            "name must be 1 to 63 lower-case letters, digits and '-', starting with a letter",
        ));
    }
    Ok(text.to_owned())
}

/// Networks: IPv4 CIDRs such as `10.0.0.0/24`.
fn networks(value: &Value) -> Result<Vec<String>, Invalid> {
    let bad = || {
        invalid(
            "networks",
            "networks must be a list of IPv4 CIDRs such as 10.0.0.0/24",
        )
    };
    let items = value.as_array().ok_or_else(bad)?;
    items
        .iter()
        .map(|item| {
            let text = item.as_str().ok_or_else(bad)?;
            let (address, prefix) = text.split_once('/').ok_or_else(bad)?;
            let address_ok = address.parse::<std::net::Ipv4Addr>().is_ok();
            let prefix_ok = prefix.parse::<u8>().is_ok_and(|p| p <= 32);
            (address_ok && prefix_ok)
                .then(|| text.to_owned())
                .ok_or_else(bad)
        })
        .collect()
}

/// Refuses members other than `allowed`.
fn only(body: &Map<String, Value>, allowed: &[&str]) -> Result<(), Invalid> {
    match body.keys().find(|k| !allowed.contains(&k.as_str())) {
        Some(key) => Err(invalid("body", format!("unknown field {key:?}"))),
        None => Ok(()),
    }
}

/// What a create sets.
pub(crate) struct NewGateway {
    name: String,
    region: String,
    networks: Vec<String>,
}

impl NewGateway {
    pub(crate) fn name(&self) -> &str {
        &self.name
    }

    /// `{"name", "region"?, "networks"?}`.
    pub(crate) fn parse(body: &Map<String, Value>) -> Result<Self, Invalid> {
        only(body, &["name", "region", "networks"])?;
        let name = name(body.get("name").unwrap_or(&Value::Null))?;
        let region = match body.get("region") {
            None | Some(Value::Null) => REGIONS[0].to_owned(),
            Some(value) => value
                .as_str()
                .filter(|r| REGIONS.contains(r))
                .map(str::to_owned)
                .ok_or_else(|| invalid("region", "region must be eu-1 or us-1"))?,
        };
        let networks = match body.get("networks") {
            None | Some(Value::Null) => Vec::new(),
            Some(value) => networks(value)?,
        };
        Ok(NewGateway {
            name,
            region,
            networks,
        })
    }
}

/// What an update changes: `{"name"?, "networks"?}`.
pub(crate) struct Change {
    name: Option<String>,
    networks: Option<Vec<String>>,
}

impl Change {
    pub(crate) fn parse(body: &Map<String, Value>) -> Result<Self, Invalid> {
        only(body, &["name", "networks"])?;
        Ok(Change {
            name: body.get("name").map(name).transpose()?,
            networks: body.get("networks").map(networks).transpose()?,
        })
    }

    pub(crate) fn name(&self) -> Option<&str> {
        self.name.as_deref()
    }
}

/// Every gateway in creation order (the listing order).
#[derive(Debug, Default)]
pub(crate) struct Store {
    gateways: Vec<Gateway>,
    created: u32,
}

impl Store {
    pub(crate) fn clear(&mut self) {
        self.gateways.clear();
    }

    /// Forgets gateways whose deletion has completed; call before every lookup.
    pub(crate) fn purge(&mut self, now: SystemTime) {
        self.gateways
            .retain(|g| g.gone_at.is_none_or(|gone| now < gone));
    }

    pub(crate) fn all(&self) -> &[Gateway] {
        &self.gateways
    }

    pub(crate) fn get(&self, id: &str) -> Option<&Gateway> {
        self.gateways.iter().find(|g| g.id == id)
    }

    /// Whether another gateway (one being deleted included) has `name`.
    pub(crate) fn name_taken(&self, name: &str, except: Option<&str>) -> bool {
        self.gateways
            .iter()
            .any(|g| g.name == name && Some(g.id.as_str()) != except)
    }

    /// Stores a new gateway that becomes `available` after `delay`.
    pub(crate) fn insert(&mut self, new: NewGateway, now: SystemTime, delay: Duration) -> &Gateway {
        self.created = self.created.wrapping_add(1);
        let suffix: [u8; 4] = rand::random();
        self.gateways.push(Gateway {
            id: format!("gw-{}", hex::encode(suffix)),
            name: new.name,
            region: new.region,
            networks: new.networks,
            public_ip: format!("203.0.113.{}", 1 + self.created % 254),
            created: now,
            changed: None,
            ready_at: now + delay,
            gone_at: None,
        });
        &self.gateways[self.gateways.len() - 1]
    }

    /// Applies `change` to `id`, which is `updating` for `delay`.
    pub(crate) fn update(
        &mut self,
        id: &str,
        change: Change,
        now: SystemTime,
        delay: Duration,
    ) -> Option<&Gateway> {
        let gateway = self.gateways.iter_mut().find(|g| g.id == id)?;
        if let Some(name) = change.name {
            gateway.name = name;
        }
        if let Some(networks) = change.networks {
            gateway.networks = networks;
        }
        gateway.changed = Some(now);
        gateway.ready_at = now + delay;
        Some(gateway)
    }

    /// Marks `id` `deleting`; it vanishes after `delay`. A second delete keeps the first
    /// deadline.
    pub(crate) fn delete(
        &mut self,
        id: &str,
        now: SystemTime,
        delay: Duration,
    ) -> Option<&Gateway> {
        let gateway = self.gateways.iter_mut().find(|g| g.id == id)?;
        gateway.gone_at.get_or_insert(now + delay);
        Some(gateway)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn body(value: Value) -> Map<String, Value> {
        value.as_object().cloned().unwrap_or_default()
    }

    #[test]
    fn a_gateway_moves_through_its_states() {
        let mut store = Store::default();
        let t0 = SystemTime::UNIX_EPOCH + Duration::from_secs(1_000_000);
        let secs = Duration::from_secs;
        let new = NewGateway::parse(&body(json!({"name": "edge"}))).unwrap();
        let id = store.insert(new, t0, secs(10)).id.clone();
        let state = |s: &Store, at| s.get(&id).map(|g| g.state(at));
        assert_eq!(state(&store, t0 + secs(9)), Some(State::Provisioning));
        assert_eq!(state(&store, t0 + secs(10)), Some(State::Available));
        let change = Change::parse(&body(json!({"networks": ["10.1.0.0/16"]}))).unwrap();
        store.update(&id, change, t0 + secs(20), secs(5));
        assert_eq!(state(&store, t0 + secs(24)), Some(State::Updating));
        assert_eq!(state(&store, t0 + secs(25)), Some(State::Available));
        store.delete(&id, t0 + secs(30), secs(5));
        store.delete(&id, t0 + secs(34), secs(5));
        store.purge(t0 + secs(34));
        assert_eq!(state(&store, t0 + secs(34)), Some(State::Deleting));
        store.purge(t0 + secs(35));
        assert!(store.get(&id).is_none());
    }

    #[test]
    fn bodies_are_checked_field_by_field() {
        let field = |value: Value| NewGateway::parse(&body(value)).err().map(|e| e.field);
        assert_eq!(field(json!({"name": "edge-1", "region": "us-1"})), None);
        assert_eq!(field(json!({})), Some("name"));
        assert_eq!(field(json!({"name": "Edge"})), Some("name"));
        assert_eq!(
            field(json!({"name": "e", "region": "mars"})),
            Some("region")
        );
        assert_eq!(
            field(json!({"name": "e", "networks": ["10.0.0.0/33"]})),
            Some("networks")
        );
        assert_eq!(field(json!({"name": "e", "size": 3})), Some("body"));
        let change = |value: Value| Change::parse(&body(value)).err().map(|e| e.field);
        assert_eq!(change(json!({"name": "other"})), None);
        assert_eq!(change(json!({"region": "us-1"})), Some("body"));
    }
}
