#!/usr/bin/env bash
# Build the adapter into OUT_DIR/{{lib}}.wasm (OUT_DIR defaults to dist).
#
# Usage: ./build.sh [OUT_DIR]
#
# componentize-py comes from COMPONENTIZE_PY, else .venv/bin/componentize-py (see README.md),
# else the one on PATH. The WIT contract is the project's own copy in wit/.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
mkdir -p "${1:-$here/dist}"
out_dir=$(cd "${1:-$here/dist}" && pwd)
componentize=${COMPONENTIZE_PY:-}
if [ -z "$componentize" ] && [ -x "$here/.venv/bin/componentize-py" ]; then
    componentize=$here/.venv/bin/componentize-py
fi
componentize=${componentize:-componentize-py}
if ! command -v "$componentize" >/dev/null 2>&1; then
    echo "error: componentize-py not found: see README.md, or set COMPONENTIZE_PY" >&2
    exit 1
fi

# Build from a copy of the sources: componentize-py writes __pycache__ next to what it imports.
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cp -Rp "$here/src" "$work/src"
"$componentize" --quiet -d "$here/wit" -w provider componentize -p "$work/src" app -o "$work/adapter.wasm"
mv "$work/adapter.wasm" "$out_dir/{{lib}}.wasm"
echo "built $out_dir/{{lib}}.wasm ($(wc -c < "$out_dir/{{lib}}.wasm") bytes)"
