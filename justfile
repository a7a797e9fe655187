# portico tasks. `just demo` runs the demo against the bundled emulator; `just test` runs
# every test. Both set themselves up.

set shell := ["bash", "-euo", "pipefail", "-c"]

export CARGO_TERM_COLOR := "never"

# List recipes.
default:
    @just --list

# Install what the build needs: the wasm32-wasip2 target, the lint components and the
# pinned Python and JavaScript adapter toolchains.
setup: setup-polyglot setup-system
    rustup target add wasm32-wasip2
    rustup component add rustfmt clippy

# Debian packages the tests use when present: zsh (its completion script is loaded in a test);
# strongSwan (swanctl, charon-systemd, the standard and extra plugins with kernel-libipsec),
# wireguard-tools, wireguard-go and iproute2 for the real-tool tests (tests/all/remote_tools.rs);
# docker-registry (distribution 2.8) for the registry tests (tests/all/registry.rs), which start
# their own on a free loopback port: the system service the package enables is stopped again.
# Installs only what is missing, and only where apt-get can (as root); otherwise says so.
setup-system:
    #!/usr/bin/env bash
    set -euo pipefail
    missing=()
    command -v zsh >/dev/null || missing+=(zsh)
    export PATH="$PATH:/usr/sbin:/sbin"
    command -v swanctl >/dev/null || missing+=(strongswan-swanctl)
    command -v charon-systemd >/dev/null || missing+=(charon-systemd)
    [ -e /usr/lib/ipsec/plugins/libstrongswan-openssl.so ] || missing+=(libstrongswan-standard-plugins)
    [ -e /usr/lib/ipsec/plugins/libstrongswan-curve25519.so ] || missing+=(libstrongswan-extra-plugins)
    [ -e /usr/lib/ipsec/plugins/libstrongswan-kernel-libipsec.so ] || missing+=(libcharon-extra-plugins)
    command -v wg >/dev/null || missing+=(wireguard-tools)
    command -v wireguard-go >/dev/null || missing+=(wireguard-go)
    command -v ip >/dev/null || missing+=(iproute2)
    command -v docker-registry >/dev/null || missing+=(docker-registry)
    [ ${#missing[@]} -eq 0 ] && exit 0
    if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
        apt-get install -y --no-install-recommends "${missing[@]}" >/dev/null 2>&1 \
            || { apt-get update >/dev/null 2>&1 && apt-get install -y --no-install-recommends "${missing[@]}" >/dev/null; }
        if [[ " ${missing[*]} " == *" docker-registry "* ]] && command -v systemctl >/dev/null; then
            systemctl disable --now docker-registry >/dev/null 2>&1 || true
        fi
    else
        echo "note: not installing ${missing[*]} (needs root and apt-get); the tests that use them say so"
    fi

# Install the pinned toolchains of the Python and JavaScript adapters: componentize-py into a
# venv at target/toolchains/python (from adapters/soracom-napter-py/requirements.txt), and
# componentize-js + jco into adapters/soracom-napter-js/node_modules (`npm ci` from the
# committed package-lock.json). Does nothing when both are already what the pins say.
setup-polyglot:
    #!/usr/bin/env bash
    set -euo pipefail
    venv=target/toolchains/python
    requirements=adapters/soracom-napter-py/requirements.txt
    if [ ! -x "$venv/bin/python" ]; then
        python3 -m venv "$venv"
    fi
    if ! cmp -s "$requirements" "$venv/installed-requirements.txt"; then
        "$venv/bin/pip" install --quiet --disable-pip-version-check -r "$requirements"
        cp "$requirements" "$venv/installed-requirements.txt"
    fi
    js=adapters/soracom-napter-js
    if ! cmp -s "$js/package-lock.json" "$js/node_modules/.installed-package-lock.json"; then
        (cd "$js" && npm ci --no-audit --no-fund)
        cp "$js/package-lock.json" "$js/node_modules/.installed-package-lock.json"
    fi

# Build the host CLI and the emulator.
build: setup
    cargo build --workspace --all-targets --features portico/memory-dump

# Build the release adapter components into dist/.
adapters: setup
    cd adapters && cargo build --release
    mkdir -p dist
    cp adapters/target/wasm32-wasip2/release/portico_adapter_*.wasm dist/
    ls -l dist/

# Every test: host unit and integration tests, emulator tests, adapter unit tests.
test: setup
    cargo test --workspace --all-targets --features portico/memory-dump
    cd adapters && cargo test --workspace --target x86_64-unknown-linux-gnu
    cd adapters/soracom-napter-py && ../../target/toolchains/python/bin/python -m unittest discover -s tests
    cd adapters/soracom-napter-js && node --test

# Formatting and clippy for the host and guest workspaces, warnings as errors.
lint: setup
    cargo fmt --all --check
    cd adapters && cargo fmt --all --check
    cd tests/adapters && cargo fmt --all --check
    cargo clippy --workspace --all-targets --features portico/memory-dump -- -D warnings
    cd adapters && cargo clippy --workspace --release -- -D warnings

# Timings and peak memory of common commands against the emulator, and comparisons with curl,
# the IONOS Python SDK (pinned in tests/bench/requirements.txt, into its own venv) and a native
# reqwest client, each with its target. Builds the release binaries for itself (CI never runs
# the bench; every test uses the debug build).
bench: build adapters
    #!/usr/bin/env bash
    set -euo pipefail
    cargo build --release -p portico -p portico-emulator --bins --example native-peers
    venv=target/toolchains/bench-python
    requirements=tests/bench/requirements.txt
    [ -x "$venv/bin/python" ] || python3 -m venv "$venv"
    if ! cmp -s "$requirements" "$venv/installed-requirements.txt"; then
        "$venv/bin/pip" install --quiet --disable-pip-version-check -r "$requirements"
        cp "$requirements" "$venv/installed-requirements.txt"
    fi
    python3 tests/bench/bench.py

# Man pages for every command, into target/man.
man: build
    target/debug/portico man target/man
    ls target/man

# Lint, then test (what a full CI run would do).
ci: lint test

# Validate the WIT package (needs wasm-tools: `cargo install wasm-tools`).
wit:
    wasm-tools component wit wit/since_v0.1.0 > /dev/null
    wasm-tools component wit wit/since_v0.2.0 > /dev/null

# Demo: emulator + IONOS adapter (WireGuard and IPSec lifecycles), Soracom VPG and Napter,
# SCP gateway + tunnel, UpCloud connection with two tunnels, then clean up.
demo: build adapters
    #!/usr/bin/env bash
    set -euo pipefail
    bin=target/debug
    work=$(mktemp -d)
    export PORTICO_HOME="$work/home"
    emulator_pid=""
    cleanup() { [ -n "$emulator_pid" ] && kill "$emulator_pid" 2>/dev/null; wait 2>/dev/null; rm -rf "$work"; }
    trap cleanup EXIT
    step() { printf '\n\033[1m== %s\033[0m\n' "$*"; }
    random() { head -c 24 /dev/urandom | od -An -tx1 | tr -d ' \n'; }
    token=$(random)
    soracom_key_id="keyId-$(random)"
    soracom_key="secret-$(random)"
    scp_access="$(random)"
    scp_secret="$(random)"
    upcloud_password="$(random)"
    step "start the emulator on a free loopback port"
    "$bin/portico-emulator" --listen 127.0.0.1:0 --ionos-token "$token" \
        --soracom-auth-key-id "$soracom_key_id" --soracom-auth-key "$soracom_key" \
        --scp-access-key "$scp_access" --scp-secret-key "$scp_secret" \
        --upcloud-username demo-user --upcloud-password "$upcloud_password" \
        --provision-delay 2s --delete-delay 1s > "$work/emulator.out" 2> "$work/emulator.err" &
    emulator_pid=$!
    for _ in $(seq 100); do grep -q '^listening on ' "$work/emulator.out" 2>/dev/null && break; sleep 0.1; done
    url=$(sed -n 's/^listening on //p' "$work/emulator.out" | head -n1)
    [ -n "$url" ] || { cat "$work/emulator.err"; exit 1; }
    echo "emulator at $url"
    p="$bin/portico"
    step "store the API token (read from stdin, never from argv)"
    printf '%s\n' "$token" | $p credential set ionos-demo
    $p credential list
    step "install the IONOS adapter (shows declared hosts and credentials, pins sha256)"
    $p adapter install dist/portico_adapter_ionos_vpn.wasm --yes
    $p adapter list
    step "profile pointing the adapter at the emulator"
    $p profile add demo --adapter ionos-vpn --credential ionos-demo --set region=de-fra --set "endpoint=$url"
    export PORTICO_PROFILE=demo
    step "create a WireGuard gateway (private key is a secret input) and wait for it"
    export DEMO_WG_KEY="$(head -c 32 /dev/urandom | base64)"
    dc=5a029f4a-58ba-11ee-8c99-0242ac120002
    $p gateway create --kind wireguard --name demo-wg --public-address 203.0.113.10 \
        --network 10.8.0.1/24 \
        --properties "{\"connections\":[{\"datacenterId\":\"$dc\",\"lanId\":\"1\",\"ipv4CIDR\":\"192.168.1.10/24\"}]}" \
        --secret private-key=env:DEMO_WG_KEY --wait
    wg=$($p gateway list --kind wireguard -o json | python3 -c 'import json,sys; print(json.load(sys.stdin)[0]["id"])')
    step "add two peers and list them"
    $p peer create --gateway "$wg" --name laptop --public-key "$(head -c 32 /dev/urandom | base64)" \
        --endpoint 198.51.100.7:51820 --allowed-network 10.8.0.2/32 --wait
    $p peer create --gateway "$wg" --name phone --public-key "$(head -c 32 /dev/urandom | base64)" \
        --allowed-network 10.8.0.3/32 --wait
    $p peer list --gateway "$wg"
    step "create an IPSec gateway and a tunnel (pre-shared key is a secret input)"
    export DEMO_PSK="$(random)"
    $p gateway create --kind ipsec --name demo-ipsec --public-address 203.0.113.20 \
        --properties "{\"connections\":[{\"datacenterId\":\"$dc\",\"lanId\":\"2\",\"ipv4CIDR\":\"192.168.2.10/24\"}]}" --wait
    ipsec=$($p gateway list --kind ipsec -o json | python3 -c 'import json,sys; print(json.load(sys.stdin)[0]["id"])')
    $p tunnel create --gateway "$ipsec" --name to-office --remote-address 198.51.100.20 \
        --local-network 192.168.2.0/24 --remote-network 10.20.0.0/16 \
        --secret pre-shared-key=env:DEMO_PSK --wait
    step "everything, as tables"
    $p gateway list
    $p tunnel list --gateway "$ipsec"
    step "the same, as JSON for scripts"
    $p gateway list -o json
    $p tunnel list --gateway "$ipsec" -o json
    step "the operation catalogue (every IONOS operation)"
    $p op list
    step "delete everything and wait until it is gone"
    for t in $($p tunnel list --gateway "$ipsec" -o json | python3 -c 'import json,sys; print(" ".join(x["id"] for x in json.load(sys.stdin)))'); do
        $p tunnel delete "$t" --gateway "$ipsec" --wait
    done
    for peer in $($p peer list --gateway "$wg" -o json | python3 -c 'import json,sys; print(" ".join(x["id"] for x in json.load(sys.stdin)))'); do
        $p peer delete "$peer" --gateway "$wg" --wait
    done
    $p gateway delete "$wg" --wait
    $p gateway delete "$ipsec" --wait
    $p gateway list
    step "Soracom: one AuthKey credential, exchanged for a session token by portico, not by the adapters"
    printf '%s\n%s\n' "$soracom_key_id" "$soracom_key" | $p credential set soracom-demo --field auth-key-id --field auth-key
    $p adapter install dist/portico_adapter_soracom_vpg.wasm --yes
    $p adapter install dist/portico_adapter_soracom_napter.wasm --yes
    $p profile add vpg --adapter soracom-vpg --credential soracom-demo --set "endpoint=$url"
    $p profile add napter --adapter soracom-napter --credential soracom-demo --set "endpoint=$url"
    step "Soracom VPG: create a gateway, open Gate, register a Gate peer"
    vpg=$($p -p vpg gateway create --name demo-vpg --properties '{"type":14}' -o json | python3 -c 'import json,sys; print(json.load(sys.stdin)["id"])')
    $p -p vpg op call openGate --param "vpg_id=$vpg" --body '{"vxlanId":10}'
    $p -p vpg peer create --gateway "$vpg" --kind gate --endpoint 198.51.100.30
    $p -p vpg peer list --gateway "$vpg"
    $p -p vpg gateway list
    step "Soracom Napter: reach SSH on a SIM for one hour, from one office network"
    mapping=$($p -p napter mapping create --destination sim:8942310022000012345:22 --allowed-network 198.51.100.0/24 \
        --properties '{"service":"air","duration":3600}' -o json | python3 -c 'import json,sys; print(json.load(sys.stdin)["id"])')
    $p -p napter mapping list
    $p -p napter mapping delete "$mapping"
    $p -p vpg gateway delete "$vpg"
    step "one token exchange per adapter for all those commands (sessions cached in 0600 files)"
    python3 -c 'import json,sys,urllib.request; reqs=json.load(urllib.request.urlopen(sys.argv[1] + "/_emulator/requests")); print(sum(1 for r in reqs if r["path"] == "/v1/auth"), "POST /v1/auth for", sum(1 for r in reqs if r["path"].startswith("/v1/")), "Soracom requests")' "$url"
    ls -l "$PORTICO_HOME/cache/sessions"
    step "Samsung Cloud Platform: every request signed by portico (the adapter never holds the secret key)"
    printf '%s\n%s\n' "$scp_access" "$scp_secret" | $p credential set scp-demo --field access-key --field secret-key
    $p adapter install dist/portico_adapter_scp_vpn.wasm --yes
    $p profile add scp --adapter scp-vpn --credential scp-demo --set region=kr-west1 --set environment=s --set "endpoint=$url"
    scp_gw=$($p -p scp gateway create --name demoscp --public-address 123.0.0.9 \
        --properties '{"vpc_id":"ceb44ea5ecb34a49b16495f9a63b0718","ip_id":"fcde872f75c145a0893d656cc698f109"}' --wait -o json \
        | python3 -c 'import json,sys; print(json.load(sys.stdin)["id"])')
    export DEMO_SCP_PSK="$(random)"
    $p -p scp tunnel create --gateway "$scp_gw" --name toseoul --remote-address 198.51.100.40 \
        --remote-network 10.40.0.0/16 --secret pre-shared-key=env:DEMO_SCP_PSK --wait
    $p -p scp tunnel list --gateway "$scp_gw"
    for t in $($p -p scp tunnel list --gateway "$scp_gw" -o json | python3 -c 'import json,sys; print(" ".join(x["id"] for x in json.load(sys.stdin)))'); do
        $p -p scp tunnel delete "$t" --wait
    done
    $p -p scp gateway delete "$scp_gw" --wait
    step "UpCloud: a VPN gateway and one connection with two IPSec tunnels (basic auth applied by portico)"
    printf '%s\n%s\n' demo-user "$upcloud_password" | $p credential set upcloud-demo --field username --field password
    $p adapter install dist/portico_adapter_upcloud_gateway.wasm --yes
    $p profile add upcloud --adapter upcloud-gateway --credential upcloud-demo --set zone=pl-waw1 --set "endpoint=$url"
    up_gw=$($p -p upcloud gateway create --kind vpn --name demo-edge \
        --properties '{"routers":[{"uuid":"04c0ffee-1234-4abc-8def-0123456789ab"}],"plan":"advanced","addresses":[{"name":"vpn-ip"}]}' \
        --wait -o json | python3 -c 'import json,sys; print(json.load(sys.stdin)["id"])')
    export DEMO_UPCLOUD_PSK="$(random)"
    $p -p upcloud tunnel create --gateway "$up_gw" --name office --remote-address 198.51.100.7,198.51.100.8 \
        --local-network 10.0.0.0/24 --remote-network 172.16.0.0/16 --secret pre-shared-key=env:DEMO_UPCLOUD_PSK --wait
    $p -p upcloud tunnel list --gateway "$up_gw"
    for c in $($p -p upcloud tunnel list --gateway "$up_gw" -o json | python3 -c 'import json,sys; print(" ".join(x["id"] for x in json.load(sys.stdin)))'); do
        $p -p upcloud tunnel delete "$c" --gateway "$up_gw" --wait
    done
    $p -p upcloud gateway delete "$up_gw" --wait
    step "audit log (no secrets in it)"
    tail -n 3 "$PORTICO_HOME/data/audit.jsonl"
    if grep -rqF -e "$token" -e "$DEMO_PSK" -e "$DEMO_WG_KEY" -e "$soracom_key" -e "$scp_secret" -e "$upcloud_password" -e "$DEMO_SCP_PSK" -e "$DEMO_UPCLOUD_PSK" "$PORTICO_HOME/data"; then echo "secret leaked into the audit log"; exit 1; fi
    step "stop the emulator"
