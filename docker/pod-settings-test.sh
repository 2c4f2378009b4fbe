#!/usr/bin/env bash
# Runs the node image as ops/k8s's StatefulSet runs it (CI, after the compose test): user 10001,
# read-only root filesystem, all capabilities dropped, no privilege escalation, /tmp writable, the
# node config of ops/k8s/node.yaml with node_id from VXDB_NODE_ID (the pod's name), a data volume.
# Only the listen ports differ (127.0.0.1:7490/7491 on the host network). Passes when the node is
# ready under the pod's name with FAISS loaded.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
eval "$(docker/engine.sh start)"
export DOCKER_HOST
DOCKER="$(command -v /usr/bin/docker || command -v docker)"
conf="$(mktemp -d)"
volume="vxdb-pod-test-$$"
cid=
cleanup() {
  [[ -z "$cid" ]] || "$DOCKER" rm -f "$cid" >/dev/null 2>&1 || true
  "$DOCKER" volume rm "$volume" >/dev/null 2>&1 || true
  rm -rf "$conf"
}
trap cleanup EXIT
sed 's/0\.0\.0\.0:7100/127.0.0.1:7490/; s/0\.0\.0\.0:7180/127.0.0.1:7491/' ops/k8s/node.yaml >"$conf/node.yaml"
chmod 755 "$conf"
chmod 644 "$conf/node.yaml"
cid="$("$DOCKER" run -d --network host --read-only --tmpfs /tmp:exec --user 10001:10001 --cap-drop ALL \
  --security-opt no-new-privileges -e VXDB_NODE_ID=vxdb-node-0 -e JAVA_TOOL_OPTIONS=-Xmx256m \
  -v "$volume:/var/lib/vxdb/data" -v "$conf:/etc/vxdb:ro" "vxdb/node:${VXDB_TAG:-dev}" --config /etc/vxdb/node.yaml)"
for _ in $(seq 1 300); do
  curl -fsS -o /dev/null --max-time 2 http://127.0.0.1:7491/readyz 2>/dev/null && break
  sleep 0.2
done
fail() { echo "pod-settings-test: FAILED: $*" >&2; "$DOCKER" logs --tail 20 "$cid" >&2 2>&1; echo "pod-settings-test: 0 passed, 1 failed"; exit 1; }
curl -fsS -o /dev/null http://127.0.0.1:7491/readyz || fail "the node did not become ready"
"$DOCKER" logs "$cid" 2>&1 | grep -q '"node vxdb-node-0 ready in' || fail "the node is not named vxdb-node-0"
curl -s http://127.0.0.1:7491/metrics | grep -q '^vxdb_index_provider_info{faiss_variant="[a-z0-9]*",provider="faiss"} 1' \
  || fail "FAISS did not load"
echo "pod-settings-test: node vxdb-node-0 ready as user 10001 on a read-only root with ops/k8s/node.yaml"
echo "pod-settings-test: 1 passed, 0 failed"
