#!/bin/bash
# The storage node image's entry point: runs org.vxdb.node.NodeMain with the JVM flags VxDB needs
# (kept in step with ops/jvm.args: VxdbCliTest checks) and any arguments. With VXDB_NODE_ID set (a Kubernetes
# StatefulSet passes the pod's name), the config given by --config is copied to /tmp with its
# node_id replaced, so every pod of the set shares one ConfigMap. JAVA_TOOL_OPTIONS sizes the heap.
set -euo pipefail
args=("$@")
if [[ -n "${VXDB_NODE_ID:-}" ]]; then
  for i in "${!args[@]}"; do
    if [[ "${args[$i]}" == --config && $((i + 1)) -lt ${#args[@]} ]]; then
      src="${args[$((i + 1))]}"
      dst="${TMPDIR:-/tmp}/vxdb-node.yaml"
      grep -q '^node_id:' "$src" || { echo "node-start: $src has no top-level node_id line to replace" >&2; exit 2; }
      sed "s/^node_id:.*/node_id: ${VXDB_NODE_ID}/" "$src" >"$dst"
      args[$((i + 1))]="$dst"
    fi
  done
fi
exec /opt/java/bin/java --enable-native-access=ALL-UNNAMED --add-modules jdk.incubator.vector \
  --sun-misc-unsafe-memory-access=allow -Dorg.bytedeco.javacpp.cachedir="${TMPDIR:-/tmp}/javacpp" \
  -cp "/opt/vxdb/vxdb-storage-node.jar:/opt/vxdb/lib/*" org.vxdb.node.NodeMain "${args[@]}"
