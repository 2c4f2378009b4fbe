#!/usr/bin/env bash
# CI's check of the Kubernetes manifests, offline: the topology matches the node set, `kubectl
# kustomize` (or `kustomize build`) renders ops/k8s, every rendered object validates against the
# Kubernetes schemas with unknown fields rejected, and the validator's own tests pass.
#   ops/k8s/check.sh      needs Node (npm ci of ops/k8s/validate when node_modules is missing)
set -euo pipefail
DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
"$DIR/gen-topology.sh" --check
if [[ ! -d "$DIR/validate/node_modules/kubernetes-models" ]]; then
  (cd "$DIR/validate" && npm ci --no-audit --no-fund --loglevel=error >/dev/null)
fi
if command -v kubectl >/dev/null 2>&1; then
  render=(kubectl kustomize "$DIR")
elif command -v kustomize >/dev/null 2>&1; then
  render=(kustomize build "$DIR")
else
  echo "k8s-check: neither kubectl nor kustomize is installed (ops/install-deps.sh --containers)" >&2
  exit 1
fi
"${render[@]}" | node "$DIR/validate/validate.mjs" -
(cd "$DIR/validate" && node --test 2>&1 | tail -8)
