#!/usr/bin/env bash
# Build the adapter into OUT_DIR/{{lib}}.wasm (OUT_DIR defaults to dist).
#
# Usage: ./build.sh [OUT_DIR]
#
# The toolchain (componentize-js 0.23.0 and jco 1.35.0, pinned in package.json) comes from
# ./node_modules (`npm ci`), or from the node_modules directory NODE_PATH names; JCO and
# COMPONENTIZE_JS name the two programs directly (componentize-js is looked for beside JCO when
# only JCO is given). The WIT contract is the project's own copy in wit/.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
mkdir -p "${1:-$here/dist}"
out_dir=$(cd "${1:-$here/dist}" && pwd)
modules=${NODE_PATH:-$here/node_modules}
modules=${modules%%:*}
jco=${JCO:-$modules/.bin/jco}
componentize=${COMPONENTIZE_JS:-$(dirname "$jco")/componentize-js}
if [ ! -x "$componentize" ] || [ ! -x "$jco" ]; then
    echo "error: componentize-js or jco is missing in $modules: run \`npm ci\` (see README.md)" >&2
    exit 1
fi

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
# `--disable http fetch-event`: no wasi:http imports. The adapter's only network is the host's
# `portico:adapter/http`, and the host refuses a component that imports anything it does not
# link.
"$componentize" "$here/src/adapter.js" --wit "$here/wit" --world-name provider \
    --disable http fetch-event --out "$work/adapter.wasm"
# Fail here, not at install, if the component imports anything but the contract and WASI 0.2.
"$jco" wit "$work/adapter.wasm" > "$work/world.wit"
unexpected=$(sed -n 's/^ *import \([^;]*\);.*/\1/p' "$work/world.wit" \
    | grep -Ev '^(portico:adapter/[a-z-]+@0\.2\.0|wasi:(cli|io|clocks|filesystem|random|sockets)/[a-z-]+@0\.2\.[0-9]+)$' || true)
if [ -n "$unexpected" ]; then
    echo "error: the component imports what the host does not link:" >&2
    echo "$unexpected" >&2
    exit 1
fi
mv "$work/adapter.wasm" "$out_dir/{{lib}}.wasm"
echo "built $out_dir/{{lib}}.wasm ($(wc -c < "$out_dir/{{lib}}.wasm") bytes)"
