#!/usr/bin/env bash
# Memory while serving, and restart time, of one storage node holding N vectors
# (docs/performance.md, "Memory and restart"). Uses ops/config/bench-1node/node-1.yaml
# (gRPC 127.0.0.1:7201, HTTP 7281, data under ./data/bench-1node, which is wiped first).
#   bench/scripts/node-memory-restart.sh [N=1000000] [RESTARTS=2]
# Prints one JSON line per measurement.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$ROOT"
N="${1:-1000000}"
RESTARTS="${2:-2}"
CONF=ops/config/bench-1node/node-1.yaml
HTTP=http://127.0.0.1:7281
OUT="$ROOT/bench/target/node-memory"
mkdir -p "$OUT/logs"
rm -rf "$ROOT/data/bench-1node"

# Python stubs for the first-search probe (python3-grpcio, python3-grpc-tools: ops/install-deps.sh --test).
/usr/bin/python3 -m grpc_tools.protoc -I proto/src/main/protobuf --python_out="$OUT" --grpc_python_out="$OUT" \
  vxdb/v1/vxdb.proto
touch "$OUT/vxdb/__init__.py" "$OUT/vxdb/v1/__init__.py"

start_node() {
  ./vxdb node --config "$CONF" >>"$OUT/logs/node.log" 2>&1 &
  NODE_PID=$!
}

# Seconds from $1 (date +%s.%N) until /readyz answers 200.
wait_ready() {
  local t0="$1"
  until curl -fsS -o /dev/null "$HTTP/readyz" 2>/dev/null; do
    kill -0 "$NODE_PID" 2>/dev/null || { echo "node exited; see $OUT/logs/node.log" >&2; exit 1; }
    sleep 0.05
  done
  awk -v a="$(date +%s.%N)" -v b="$t0" 'BEGIN { printf "%.3f", a - b }'
}

metric() { # sum of the samples of one metric (optionally filtered by a label text)
  curl -fsS "$HTTP/metrics" | awk -v m="$1" -v f="${2:-}" \
    '$1 ~ "^"m"({|$)" && index($1, f) { s += $2 } END { printf "%.0f", s }'
}

memory_json() {
  local status="/proc/$NODE_PID/status"
  printf '{"what":"memory","phase":"%s","vectors":%s,"rss_bytes":%s,"rss_anon_bytes":%s,"rss_file_bytes":%s,' "$1" \
    "$(metric vxdb_vectors)" "$(awk '/^VmRSS/ {print $2 * 1024}' "$status")" \
    "$(awk '/^RssAnon/ {print $2 * 1024}' "$status")" "$(awk '/^RssFile/ {print $2 * 1024}' "$status")"
  printf '"heap_used_bytes":%s,"heap_committed_bytes":%s,"nonheap_used_bytes":%s,"native_budget_used_bytes":%s,"segment_mapped_bytes":%s}\n' \
    "$(metric jvm_memory_used_bytes 'area="heap"')" "$(metric jvm_memory_committed_bytes 'area="heap"')" \
    "$(metric jvm_memory_used_bytes 'area="nonheap"')" "$(metric vxdb_native_memory_used_bytes)" \
    "$(metric vxdb_segment_mapped_bytes)"
}

# The search that proves the node serves: the first Search answered after a (re)start.
first_search() {
  PYTHONPATH="$OUT" /usr/bin/python3 - "$1" <<'PY'
import sys, time, grpc
from vxdb.v1 import vxdb_pb2 as pb, vxdb_pb2_grpc as rpc
t0 = float(sys.argv[1])
stub = rpc.VectorServiceStub(grpc.insecure_channel("127.0.0.1:7201"))
while True:
    try:
        r = stub.Search(pb.SearchRequest(collection="mem", query=[0.0] * 128, k=10), timeout=30)
        if len(r.hits) == 10:
            print("%.3f %s" % (time.time() - t0, r.plan))
            break
    except grpc.RpcError as e:
        if e.code() not in (grpc.StatusCode.UNAVAILABLE, grpc.StatusCode.NOT_FOUND):
            raise
    time.sleep(0.02)
PY
}

trap 'kill -TERM $NODE_PID 2>/dev/null || true' EXIT
start_node
wait_ready "$(date +%s.%N)" >/dev/null
./vxdb bench recall --target node=127.0.0.1:7201 --n "$N" --dim 128 --nprobe 8 --rounds 2 --collection mem \
  --keep true --json "$OUT/serve.json" >"$OUT/logs/bench.log" 2>&1
memory_json serving

for i in $(seq 1 "$RESTARTS"); do
  kill -TERM "$NODE_PID"; wait "$NODE_PID" || true
  t0="$(date +%s.%N)"
  start_node
  ready="$(wait_ready "$t0")"
  read -r searched plan < <(first_search "$t0")
  printf '{"what":"restart","round":%d,"vectors":%s,"ready_s":%.3f,"first_search_s":%s,"plan":"%s"}\n' "$i" \
    "$(metric vxdb_vectors)" "$ready" "$searched" "$plan"
  memory_json "after restart $i"
done
