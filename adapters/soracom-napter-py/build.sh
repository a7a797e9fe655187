#!/usr/bin/env bash
# Build the Python Napter adapter into OUT_DIR/portico_adapter_soracom_napter_py.wasm.
#
# Usage: adapters/soracom-napter-py/build.sh OUT_DIR
#
# Uses the pinned componentize-py of the venv `just setup-polyglot` makes in
# target/toolchains/python. Skips the build when neither the sources, this script, the
# pinned requirements nor the WIT changed since the last one (a stamp file beside the output
# holds the hash of those inputs).
set -euo pipefail

if [ $# -ne 1 ]; then
    echo "usage: $0 OUT_DIR" >&2
    exit 2
fi
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/../.." && pwd)
mkdir -p "$1"
out_dir=$(cd "$1" && pwd)
out="$out_dir/portico_adapter_soracom_napter_py.wasm"
stamp="$out.stamp"
wit="$root/wit/since_v0.2.0"
componentize="$root/target/toolchains/python/bin/componentize-py"

if [ ! -x "$componentize" ]; then
    echo "error: $componentize is missing: run \`just setup-polyglot\` first" >&2
    exit 1
fi

# The inputs, by path relative to the repository root, so a moved checkout keeps its stamp.
inputs=$(
    cd "$root"
    {
        find adapters/soracom-napter-py/src -name '*.py' -type f
        echo adapters/soracom-napter-py/build.sh
        echo adapters/soracom-napter-py/requirements.txt
        find wit/since_v0.2.0 -type f
    } | LC_ALL=C sort | xargs sha256sum
    "$componentize" --version
)
hash=$(printf '%s\n' "$inputs" | sha256sum | cut -d' ' -f1)
if [ -f "$out" ] && [ "$(cat "$stamp" 2>/dev/null)" = "$hash" ]; then
    echo "soracom-napter-py: up to date ($out)"
    exit 0
fi

# Build from a copy of the sources: componentize-py writes __pycache__ next to what it
# imports, and that must land neither in the source tree nor in the next build. (The output
# is not byte-for-byte reproducible either way: the pre-initialised interpreter differs.)
work="$out_dir/.soracom-napter-py-build"
rm -rf "$work"
mkdir -p "$work"
trap 'rm -rf "$work"' EXIT
cp -Rp "$here/src" "$work/src"
rm -f "$stamp"
"$componentize" --quiet -d "$wit" -w provider componentize -p "$work/src" app -o "$work/adapter.wasm"
mv "$work/adapter.wasm" "$out"
printf '%s\n' "$hash" > "$stamp"
echo "soracom-napter-py: built $out ($(wc -c < "$out") bytes)"
