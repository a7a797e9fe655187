//! Host bindings of the WIT package `portico:adapter`, one module per supported version.
//!
//! The newest version's types are the host's own and are re-exported here. Each older module
//! (`v0_1_0`) has its own bindings plus conversions to and from the newest, so the runtime and
//! the broker serve every version through one code path, as `wit/README.md` describes.

mod since_v0_1_0;
mod since_v0_2_0;

pub(crate) use since_v0_2_0::*;

/// The frozen `0.1.0` contract and its conversions to the newest.
pub(crate) mod v0_1_0 {
    pub(crate) use super::since_v0_1_0::*;
}

/// The newest contract version; adapters built for it need no conversion.
pub(crate) const LATEST: &str = "0.2.0";

/// WIT package versions this host can load, oldest first.
pub(crate) const SUPPORTED_VERSIONS: &[&str] = &["0.1.0", LATEST];

/// The WIT package version a component was built against, read from its export names
/// (`portico:adapter/gateways@0.2.0`). `None` when it exports nothing of the package.
pub(crate) fn version_of(component: &wasmtime::component::Component) -> Option<String> {
    let engine = component.engine();
    component
        .component_type()
        .exports(engine)
        .find_map(|(name, _)| {
            name.strip_prefix("portico:adapter/")
                .and_then(|rest| rest.split_once('@'))
                .map(|(_, version)| version.to_string())
        })
}

/// An HTTP method as text, upper case.
pub(crate) fn method_text(method: types::Method) -> &'static str {
    use types::Method as M;
    match method {
        M::Get => "GET",
        M::Head => "HEAD",
        M::Post => "POST",
        M::Put => "PUT",
        M::Patch => "PATCH",
        M::Delete => "DELETE",
        M::Options => "OPTIONS",
    }
}

/// The method named by `text` (any case), if the contract has it.
pub(crate) fn parse_method(text: &str) -> Option<types::Method> {
    use types::Method as M;
    Some(match text.to_ascii_uppercase().as_str() {
        "GET" => M::Get,
        "HEAD" => M::Head,
        "POST" => M::Post,
        "PUT" => M::Put,
        "PATCH" => M::Patch,
        "DELETE" => M::Delete,
        "OPTIONS" => M::Options,
        _ => return None,
    })
}

/// A noun's name as the CLI spells it.
pub(crate) fn noun_name(noun: adapter::Noun) -> &'static str {
    match noun {
        adapter::Noun::Gateway => "gateway",
        adapter::Noun::Tunnel => "tunnel",
        adapter::Noun::Peer => "peer",
        adapter::Noun::Mapping => "mapping",
    }
}

/// An action's name as the CLI spells it.
pub(crate) fn action_name(action: adapter::Action) -> &'static str {
    match action {
        adapter::Action::List => "list",
        adapter::Action::Get => "get",
        adapter::Action::Create => "create",
        adapter::Action::Update => "update",
        adapter::Action::Delete => "delete",
    }
}
