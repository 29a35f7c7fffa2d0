#!/usr/bin/env bash
# Lints and renders the Helm chart (deploy/helm/callsheet) with `helm` ($1, or found by
# scripts/ci-helm.sh): the defaults with a database URL, and every optional part switched on
# (ci/full-values.yaml). Also proves the chart refuses what it must: no database, image tag `latest`.
set -euo pipefail
cd "$(dirname "$0")/.."
helm="${1:-$(bash scripts/ci-helm.sh)}"
chart=deploy/helm/callsheet
"$helm" lint --strict "$chart" --set database.url=postgres://callsheet@postgres:5432/callsheet
"$helm" lint --strict "$chart" -f "$chart/ci/full-values.yaml"
out="$(mktemp -d)"
trap 'rm -rf "$out"' EXIT
"$helm" template callsheet "$chart" -f "$chart/ci/full-values.yaml" > "$out/full.yaml"
for kind in Deployment Service ConfigMap Ingress ServiceMonitor PodDisruptionBudget PersistentVolumeClaim; do
  grep -q "^kind: $kind$" "$out/full.yaml" || { echo "helm template: no $kind rendered" >&2; exit 1; }
done
version="$(node -p 'require("./package.json").version')"
grep -q "image: \"ghcr.io/callsheet/callsheet:$version\"" "$out/full.yaml" || { echo "helm template: the image is not pinned to $version" >&2; exit 1; }
for path in /slack /api/messages /github/webhook; do grep -q -- "- path: $path$" "$out/full.yaml" || { echo "helm template: no ingress path $path" >&2; exit 1; }; done
if "$helm" template callsheet "$chart" > /dev/null 2>&1; then echo "helm template: rendered without a database" >&2; exit 1; fi
if "$helm" template callsheet "$chart" --set database.url=x --set image.tag=latest > /dev/null 2>&1; then echo "helm template: accepted image.tag=latest" >&2; exit 1; fi
echo "helm chart: lint and template passed ($("$helm" version --short))"
