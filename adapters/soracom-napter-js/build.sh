#!/usr/bin/env bash
# Build the JavaScript Napter adapter into OUT_DIR/portico_adapter_soracom_napter_js.wasm.
#
# Usage: adapters/soracom-napter-js/build.sh OUT_DIR
#
# Uses the pinned componentize-js and jco that `just setup-polyglot` installs into
# node_modules (`npm ci`). Skips the build when neither the sources, this script, the lock
# file nor the WIT changed since the last one (a stamp file beside the output holds the hash
# of those inputs).
set -euo pipefail

if [ $# -ne 1 ]; then
    echo "usage: $0 OUT_DIR" >&2
    exit 2
fi
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/../.." && pwd)
mkdir -p "$1"
out_dir=$(cd "$1" && pwd)
out="$out_dir/portico_adapter_soracom_napter_js.wasm"
stamp="$out.stamp"
wit="$root/wit/since_v0.2.0"
bin="$here/node_modules/.bin"

if [ ! -x "$bin/componentize-js" ] || [ ! -x "$bin/jco" ]; then
    echo "error: componentize-js or jco is missing in $here/node_modules: run \`just setup-polyglot\` first" >&2
    exit 1
fi

# The inputs, by path relative to the repository root, so a moved checkout keeps its stamp.
inputs=$(
    cd "$root"
    {
        find adapters/soracom-napter-js/src -name '*.js' -type f
        echo adapters/soracom-napter-js/build.sh
        echo adapters/soracom-napter-js/package-lock.json
        find wit/since_v0.2.0 -type f
    } | LC_ALL=C sort | xargs sha256sum
    node --version
)
hash=$(printf '%s\n' "$inputs" | sha256sum | cut -d' ' -f1)
if [ -f "$out" ] && [ "$(cat "$stamp" 2>/dev/null)" = "$hash" ]; then
    echo "soracom-napter-js: up to date ($out)"
    exit 0
fi

work="$out_dir/.soracom-napter-js-build"
rm -rf "$work"
mkdir -p "$work"
trap 'rm -rf "$work"' EXIT
rm -f "$stamp"
# `--disable http fetch-event`: no wasi:http imports. The adapter's only network is the host's
# `portico:adapter/http`, and the host refuses a component that imports anything it does not
# link.
"$bin/componentize-js" "$here/src/adapter.js" --wit "$wit" --world-name provider \
    --disable http fetch-event --out "$work/adapter.wasm"
# Fail here, not at install, if the component imports anything but the contract and WASI
# 0.2's cli, io, clocks, filesystem, random and sockets.
"$bin/jco" wit "$work/adapter.wasm" > "$work/world.wit"
unexpected=$(sed -n 's/^ *import \([^;]*\);.*/\1/p' "$work/world.wit" \
    | grep -Ev '^(portico:adapter/[a-z-]+@0\.2\.0|wasi:(cli|io|clocks|filesystem|random|sockets)/[a-z-]+@0\.2\.[0-9]+)$' || true)
if [ -n "$unexpected" ]; then
    echo "error: the component imports what the host does not link:" >&2
    echo "$unexpected" >&2
    exit 1
fi
mv "$work/adapter.wasm" "$out"
printf '%s\n' "$hash" > "$stamp"
echo "soracom-napter-js: built $out ($(wc -c < "$out") bytes)"
