#!/usr/bin/env bash
# CI's container part (.ci/run runs it after ./vxdb test): the Kubernetes manifests are rendered and
# validated offline (ops/k8s/check.sh) everywhere; then, when a Docker engine can be started
# (docker/engine.sh), the images are built (docker/build-images.sh), the compose cluster test
# runs (docker/compose-test.sh) and the node image runs with ops/k8s's pod settings
# (docker/pod-settings-test.sh). Without an engine that part is skipped with the reason printed;
# VXDB_REQUIRE_CONTAINERS=1 turns that skip into a failure. An engine this script started is
# stopped at the end; its data root (images, build cache) stays in the cache directory.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
T0=$SECONDS
say() { echo "ci-containers: [$((SECONDS - T0)) s] $*" >&2; }

ops/k8s/check.sh
say "Kubernetes manifests valid"

if ! engine="$(docker/engine.sh start 2>"${TMPDIR:-/tmp}/vxdb-engine.err")"; then
  reason="$(tail -3 "${TMPDIR:-/tmp}/vxdb-engine.err" | tr '\n' ' ')"
  if [[ "${VXDB_REQUIRE_CONTAINERS:-0}" == 1 ]]; then
    echo "ci-containers: FAILED: no Docker engine could be started: $reason" >&2
    exit 1
  fi
  echo "ci-containers: SKIPPED the image build and the compose cluster test: no Docker engine could be started: $reason" >&2
  exit 0
fi
eval "$engine"
export DOCKER_HOST
trap 'docker/engine.sh stop' EXIT
say "Docker engine at $DOCKER_HOST"

docker/build-images.sh
say "images built"
docker/compose-test.sh
say "compose cluster test passed"
docker/pod-settings-test.sh
say "the node image runs with the Kubernetes pod's settings"
