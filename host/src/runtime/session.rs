//! One instance of an adapter serving one command: every export call resets the epoch
//! deadline and the request budget, reports the refusals the adapter swallowed, and turns
//! traps and contract errors into messages that name the adapter and the operation.

use super::engine;
use super::state::AdapterState;
use super::trap::{returned_limit, trap_error, within};
use crate::broker::Broker;
use crate::config::Limits;
use crate::error::AdapterError;
use crate::wit::v0_1_0::{self, Down as _};
use crate::wit::{self, Provider, adapter, types};
use anyhow::Result;
use wasmtime::Store;

/// The exports of an instance, for the contract version it was built against.
pub(super) enum Bindings {
    /// The newest contract.
    Latest(Provider),
    /// `portico:adapter@0.1.0`, converted at every call.
    V0_1_0(v0_1_0::Provider),
}

/// One instance of an adapter serving one command.
pub(crate) struct Session {
    pub(super) name: String,
    pub(super) store: Store<AdapterState>,
    pub(super) bindings: Bindings,
    pub(super) limits: Limits,
    /// Every refusal of this session so far, for the conformance suite.
    pub(super) refused: Vec<String>,
    /// Whether the memory was taken (test builds), so it is not dumped again.
    #[cfg(feature = "memory-dump")]
    pub(super) memory_taken: bool,
}

macro_rules! export_calls {
    ($( $(#[$doc:meta])* $fn:ident: $iface:ident . $call:ident ( $($arg:ident: $ty:ty),* ) -> $ret:ty, $op:literal; )*) => {
        impl Session {
            $(
                $(#[$doc])*
                pub(crate) async fn $fn(&mut self, $($arg: $ty),*) -> Result<$ret> {
                    self.begin_call();
                    let result = match &self.bindings {
                        Bindings::Latest(b) => b.$iface().$call(&mut self.store, $($arg),*).await,
                        Bindings::V0_1_0(b) => {
                            $( let $arg = match $arg.down() {
                                Ok(a) => a,
                                Err(e) => return self.finish($op, Ok(Err(e))),
                            }; )*
                            b.$iface()
                                .$call(&mut self.store, $(&$arg),*)
                                .await
                                .map(|r| r.map(Into::into).map_err(Into::into))
                        }
                    };
                    self.finish($op, result)
                }
            )*
        }
    };
}

export_calls! {
    /// `gateways.list`.
    gateways_list: portico_adapter_gateways.call_list(q: &types::Query) -> types::GatewayPage, "gateway.list";
    /// `gateways.get`.
    gateways_get: portico_adapter_gateways.call_get(l: &types::Locator) -> types::Gateway, "gateway.get";
    /// `gateways.create`.
    gateways_create: portico_adapter_gateways.call_create(s: &types::GatewaySpec) -> types::Gateway, "gateway.create";
    /// `gateways.update`.
    gateways_update: portico_adapter_gateways.call_update(l: &types::Locator, s: &types::GatewaySpec) -> types::Gateway, "gateway.update";
    /// `gateways.delete`.
    gateways_delete: portico_adapter_gateways.call_delete(l: &types::Locator) -> (), "gateway.delete";
    /// `tunnels.list`.
    tunnels_list: portico_adapter_tunnels.call_list(q: &types::Query) -> types::TunnelPage, "tunnel.list";
    /// `tunnels.get`.
    tunnels_get: portico_adapter_tunnels.call_get(l: &types::Locator) -> types::Tunnel, "tunnel.get";
    /// `tunnels.create`.
    tunnels_create: portico_adapter_tunnels.call_create(s: &types::TunnelSpec) -> types::Tunnel, "tunnel.create";
    /// `tunnels.update`.
    tunnels_update: portico_adapter_tunnels.call_update(l: &types::Locator, s: &types::TunnelSpec) -> types::Tunnel, "tunnel.update";
    /// `tunnels.delete`.
    tunnels_delete: portico_adapter_tunnels.call_delete(l: &types::Locator) -> (), "tunnel.delete";
    /// `peers.list`.
    peers_list: portico_adapter_peers.call_list(q: &types::Query) -> types::PeerPage, "peer.list";
    /// `peers.get`.
    peers_get: portico_adapter_peers.call_get(l: &types::Locator) -> types::Peer, "peer.get";
    /// `peers.create`.
    peers_create: portico_adapter_peers.call_create(s: &types::PeerSpec) -> types::Peer, "peer.create";
    /// `peers.update`.
    peers_update: portico_adapter_peers.call_update(l: &types::Locator, s: &types::PeerSpec) -> types::Peer, "peer.update";
    /// `peers.delete`.
    peers_delete: portico_adapter_peers.call_delete(l: &types::Locator) -> (), "peer.delete";
    /// `mappings.list`.
    mappings_list: portico_adapter_mappings.call_list(q: &types::Query) -> types::MappingPage, "mapping.list";
    /// `mappings.get`.
    mappings_get: portico_adapter_mappings.call_get(l: &types::Locator) -> types::Mapping, "mapping.get";
    /// `mappings.create`.
    mappings_create: portico_adapter_mappings.call_create(s: &types::MappingSpec) -> types::Mapping, "mapping.create";
    /// `mappings.update`.
    mappings_update: portico_adapter_mappings.call_update(l: &types::Locator, s: &types::MappingSpec) -> types::Mapping, "mapping.update";
    /// `mappings.delete`.
    mappings_delete: portico_adapter_mappings.call_delete(l: &types::Locator) -> (), "mapping.delete";
}

impl Session {
    /// The adapter's name.
    pub(crate) fn name(&self) -> &str {
        &self.name
    }

    /// Every request the host refused during this session.
    pub(crate) fn refused(&self) -> &[String] {
        &self.refused
    }

    /// The broker, to configure it after `describe()`.
    pub(crate) fn broker(&mut self) -> &mut Broker {
        &mut self.store.data_mut().broker
    }

    fn begin_call(&mut self) {
        self.store.data_mut().broker.begin_call();
        self.store
            .set_epoch_deadline(engine::ticks(self.limits.call_deadline()));
    }

    fn finish<T: std::fmt::Debug>(
        &mut self,
        operation: &str,
        result: wasmtime::Result<Result<T, types::Error>>,
    ) -> Result<T> {
        let refusals = self.store.data_mut().broker.take_refusals();
        self.refused.extend(refusals.iter().cloned());
        // A refusal the adapter passed on is in its error; one it swallowed or replaced is
        // still worth telling the user about.
        let reported = match &result {
            Ok(Err(types::Error::Host(types::HostError::Denied(d)))) => Some(d.message.as_str()),
            Ok(Err(types::Error::Host(types::HostError::Limit(l)))) => Some(l.message.as_str()),
            _ => None,
        };
        // Identical refusals are reported once with a count, so an adapter that ignores them
        // and keeps trying cannot flood the terminal.
        let mut distinct: Vec<(&str, usize)> = Vec::new();
        for refusal in refusals.iter().filter(|r| Some(r.as_str()) != reported) {
            match distinct.iter_mut().find(|(r, _)| *r == refusal.as_str()) {
                Some((_, n)) => *n += 1,
                None => distinct.push((refusal.as_str(), 1)),
            }
        }
        const SHOWN: usize = 10;
        for (refusal, count) in distinct.iter().take(SHOWN) {
            let times = if *count > 1 {
                format!(" ({count} times)")
            } else {
                String::new()
            };
            tracing::warn!(
                "portico refused a request of adapter {}{times}: {}",
                self.name,
                crate::output::terminal_safe(refusal)
            );
        }
        if distinct.len() > SHOWN {
            let more: usize = distinct[SHOWN..].iter().map(|(_, n)| n).sum();
            tracing::warn!(
                "portico refused {more} more requests of adapter {} for other reasons (see the \
                 audit log)",
                self.name
            );
        }
        match result {
            Ok(Ok(value)) => {
                let limit = returned_limit(self.limits);
                if let Err(size) = within(&value, limit) {
                    return Err(anyhow::anyhow!(
                        "adapter {} returned more than {size} bytes from {operation}, over the \
                         limit of {} MiB for what one call may return",
                        self.name,
                        limit >> 20
                    ));
                }
                Ok(value)
            }
            Ok(Err(error)) => Err(AdapterError {
                adapter: self.name.clone(),
                operation: operation.to_string(),
                error,
            }
            .into()),
            Err(err) => Err(trap_error(
                &self.name,
                operation,
                &self.store,
                err,
                self.limits,
            )),
        }
    }

    /// `adapter.describe`.
    pub(crate) async fn describe(&mut self) -> Result<adapter::Description> {
        self.begin_call();
        let result = match &self.bindings {
            Bindings::Latest(b) => {
                b.portico_adapter_adapter()
                    .call_describe(&mut self.store)
                    .await
            }
            Bindings::V0_1_0(b) => {
                let result = b
                    .portico_adapter_adapter()
                    .call_describe(&mut self.store)
                    .await;
                match result.map(adapter::Description::try_from) {
                    Ok(Ok(d)) => Ok(d),
                    Ok(Err(why)) => {
                        anyhow::bail!("adapter {} describes itself wrongly: {why}", self.name)
                    }
                    Err(err) => Err(err),
                }
            }
        };
        self.finish("describe", result.map(Ok))
    }

    /// `operations.catalog`.
    pub(crate) async fn catalog(&mut self) -> Result<Vec<wit::operations::Operation>> {
        self.begin_call();
        let result = match &self.bindings {
            Bindings::Latest(b) => {
                b.portico_adapter_operations()
                    .call_catalog(&mut self.store)
                    .await
            }
            Bindings::V0_1_0(b) => {
                let result = b
                    .portico_adapter_operations()
                    .call_catalog(&mut self.store)
                    .await;
                // 0.1.0 methods were free text; an entry whose method the newest contract
                // cannot name is left out of the catalogue (it stays callable by name).
                result.map(|ops| {
                    ops.into_iter()
                        .filter_map(|op| match wit::operations::Operation::try_from(op) {
                            Ok(op) => Some(op),
                            Err(why) => {
                                tracing::warn!("adapter {}: leaving out {why}", self.name);
                                None
                            }
                        })
                        .collect()
                })
            }
        };
        self.finish("op.catalog", result.map(Ok))
    }

    /// `operations.invoke`.
    pub(crate) async fn invoke(
        &mut self,
        name: &str,
        params: &[(String, String)],
        body: Option<&str>,
        cursor: Option<&str>,
        secrets: &[types::SecretInput],
    ) -> Result<wit::operations::Outcome> {
        self.begin_call();
        let body = body.map(str::to_string);
        let operation = format!("op:{name}");
        let result = match &self.bindings {
            Bindings::Latest(b) => {
                b.portico_adapter_operations()
                    .call_invoke(
                        &mut self.store,
                        name,
                        params,
                        body.as_ref(),
                        cursor,
                        secrets,
                    )
                    .await
            }
            Bindings::V0_1_0(b) => {
                let secrets = match secrets.to_vec().down() {
                    Ok(s) => s,
                    Err(e) => return self.finish(&operation, Ok(Err(e))),
                };
                b.portico_adapter_operations()
                    .call_invoke(
                        &mut self.store,
                        name,
                        params,
                        body.as_ref(),
                        cursor,
                        &secrets,
                    )
                    .await
                    .map(|r| r.map(Into::into).map_err(Into::into))
            }
        };
        self.finish(&operation, result)
    }
}
