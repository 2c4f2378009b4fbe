#!/usr/bin/env bash
# The client-protocol figures of docs/performance.md ("Client protocols"), written to docs/perf/protocols-*:
#   bench/scripts/protocols-report.sh
# Starts the one-node cluster of ops/config/bench-1node (RF 1; coordinator gRPC 7200, REST and WebSocket
# 7210, RESP 7211), then, in one run of each workload so that every ratio compares targets measured side
# by side: the empty round trip of each protocol (the floor), batch ingest (1000 x 128, generated data)
# through gRPC, REST (JSON numbers and base64 float32), WebSocket and RESP, each target twice in
# A B C D D C B A order, and closed-loop search latency on sift-5k through gRPC, REST and RESP.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$ROOT"
OUT=docs/perf
LOGS=bench/target/protocols
mkdir -p "$OUT" "$LOGS"
ROWS="${ROWS:-200000}"
GRPC=127.0.0.1:7200 REST=127.0.0.1:7210 RESP=127.0.0.1:7211

CLUSTER_PID=
stop_cluster() {
  [[ -n "$CLUSTER_PID" ]] || return 0
  kill -TERM "$CLUSTER_PID"; wait "$CLUSTER_PID" || true
  CLUSTER_PID=
}
trap stop_cluster EXIT
rm -rf data/bench-1node
./vxdb run --config-dir ops/config/bench-1node >"$LOGS/cluster.log" 2>&1 &
CLUSTER_PID=$!
until grep -q "Press Ctrl-C" "$LOGS/cluster.log"; do
  kill -0 "$CLUSTER_PID" 2>/dev/null || { cat "$LOGS/cluster.log" >&2; exit 1; }
  sleep 1
done

bench() { # name, workload, args...
  local name="$1"; shift
  echo "== $name: ./vxdb bench $*" >&2
  ./vxdb bench "$@" --json "$OUT/$name.json" >"$LOGS/$name.log" 2>&1 || { tail -30 "$LOGS/$name.log" >&2; return 1; }
  grep -E "ingest:|^[a-z]+=|calls  p50|^target|^coordinator|^rest|^resp" "$LOGS/$name.log" >&2 || true
}

bench protocols-floor floor --grpc "$GRPC" --rest "$REST" --resp "$RESP" --duration 10
# Flat collections: no background index build competes with the next target's ingest.
INGEST=(ingest --grpc "$GRPC" --n "$ROWS" --dim 128 --index Flat --batch 1000 --concurrency 2 --fsync batch
        --progress off)
# Warm-up (not reported): every JVM compiles the paths of every protocol before the measured runs.
./vxdb bench ingest --grpc "$GRPC" --n 50000 --dim 128 --index Flat --batch 1000 --concurrency 2 --progress off \
  --target "coordinator=$GRPC,rest=$REST,ws=$REST,resp=$RESP" >"$LOGS/warmup-ingest.log" 2>&1
./vxdb bench ingest --grpc "$GRPC" --n 50000 --dim 128 --index Flat --batch 1000 --concurrency 2 --progress off \
  --rest-encoding f32 --target "rest=$REST" >"$LOGS/warmup-ingest-f32.log" 2>&1
bench protocols-ingest "${INGEST[@]}" \
  --target "coordinator=$GRPC,rest=$REST,ws=$REST,resp=$RESP,resp=$RESP,ws=$REST,rest=$REST,coordinator=$GRPC"
bench protocols-ingest-rest-f32 "${INGEST[@]}" --rest-encoding f32 \
  --target "coordinator=$GRPC,rest=$REST,rest=$REST,coordinator=$GRPC"
SEARCH=(search --grpc "$GRPC" --data ../shared/data/sift-5k --index Flat --clients 1 --duration 15 --warmup 2000
        --progress off)
bench protocols-search "${SEARCH[@]}" \
  --target "coordinator=$GRPC,rest=$REST,resp=$RESP,resp=$RESP,rest=$REST,coordinator=$GRPC"
bench protocols-search-rest-f32 "${SEARCH[@]}" --rest-encoding f32 \
  --target "coordinator=$GRPC,rest=$REST,rest=$REST,coordinator=$GRPC"
