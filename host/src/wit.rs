//! Host bindings of the WIT package `portico:adapter`, one module per supported version.
//!
//! Only `0.1.0` exists so far. When a new version is released its module is added next to
//! `since_v0_1_0`, becomes the one re-exported here (the host's own types), and older modules
//! convert their types to it (`From` impls), as `wit/README.md` describes.

mod since_v0_1_0;

pub(crate) use since_v0_1_0::*;

/// WIT package versions this host can load, oldest first.
pub(crate) const SUPPORTED_VERSIONS: &[&str] = &["0.1.0"];

/// The WIT package version a component was built against, read from its export names
/// (`portico:adapter/gateways@0.1.0`). `None` when it exports nothing of the package.
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
