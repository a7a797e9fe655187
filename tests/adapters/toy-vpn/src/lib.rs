//! portico adapter `toy-vpn`: the gateways of the Toy VPN API, a small made-up API that the
//! bundled emulator serves under `/toy/v1` (production host `api.toyvpn.example`).
//!
//! `describe.rs` says what the adapter needs (a host, a credential, the `endpoint` setting) and
//! gives the conformance suite an example; `gateways.rs` is the gateway noun. Replace the Toy
//! VPN specifics with your provider's.

mod describe;
mod gateways;

portico_adapter_sdk::export!(ToyVpn {
    describe: describe::description,
    gateways: gateways::GATEWAYS,
});

#[cfg(test)]
mod tests;
