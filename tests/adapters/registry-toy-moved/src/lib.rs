//! toy-vpn as its next build: the same gateway noun (the kept example's own `gateways.rs`)
//! and a description that declares one more host, `status.toyvpn.example`. Built twice: as
//! `registry-toy-moved` with toy-vpn's version (pushed under the same tag, it moves the tag)
//! and as `registry-toy-next` with version 0.2.0 (a newer release). Expects to be installed
//! from a registry over an approved toy-vpn and to show the extra host in the upgrade diff.

mod describe;
#[path = "../../toy-vpn/src/gateways.rs"]
mod gateways;

portico_adapter_sdk::export!(ToyVpn {
    describe: describe::description,
    gateways: gateways::GATEWAYS,
});
