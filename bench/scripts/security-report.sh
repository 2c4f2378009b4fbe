#!/usr/bin/env bash
# The cost of security (docs/performance.md "Security"), written to docs/perf/security-*:
#   bench/scripts/security-report.sh
# Starts two one-node clusters side by side: ops/config/bench-1node (plaintext, no keys; coordinator
# gRPC 7200, REST/WebSocket 7210, RESP 7211) and ops/config/bench-1node-secure (TLS on every listener
# with the JDK provider, mutual TLS to its node, an API key on every request, the audit log writing
# every operation; 7300, 7310, 7311). Then, in one run of each workload so that every ratio compares
# targets measured side by side, each target twice in A B ... B A order after a warm-up: closed-loop
# search on sift-5k and batch ingest (1000 x 128, generated), plaintext against secured, per protocol.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$ROOT"
OUT=docs/perf
LOGS=bench/target/security
mkdir -p "$OUT" "$LOGS"
ROWS="${ROWS:-200000}"
GRPC=127.0.0.1:7200 REST=127.0.0.1:7210 RESP=127.0.0.1:7211
SGRPC=tls://127.0.0.1:7300 SREST=tls://127.0.0.1:7310 SRESP=tls://127.0.0.1:7311
SEC=data/bench-secure

PIDS=()
stop_clusters() {
  [[ ${#PIDS[@]} -gt 0 ]] || return 0
  kill -TERM "${PIDS[@]}" 2>/dev/null || true
  wait "${PIDS[@]}" 2>/dev/null || true
  PIDS=()
}
trap stop_clusters EXIT
rm -rf data/bench-1node "$SEC"
./vxdb deps >/dev/null
ops/security/dev-certs.sh "$SEC/certs" >/dev/null
start() { # config dir, log name
  ./vxdb run --config-dir "$1" >"$LOGS/$2.log" 2>&1 &
  PIDS+=($!)
  until grep -qs "Press Ctrl-C" "$LOGS/$2.log"; do
    kill -0 "${PIDS[-1]}" 2>/dev/null || { cat "$LOGS/$2.log" >&2; exit 1; }
    sleep 1
  done
}
start ops/config/bench-1node cluster-plain
./vxdb keys --file "$SEC/keys.json" create --role admin --name "security-report" --quiet >"$SEC/bench.key"
start ops/config/bench-1node-secure cluster-secure
echo "TLS providers (from the coordinator's log): $(grep -o 'TLSv1.3 and TLSv1.2; gRPC with [^;]*provider' \
  data/logs/bench-1node-secure/coordinator.log | head -1)" >&2

AUTH=(--tls-ca "$SEC/certs/ca.pem" --api-key-file "$SEC/bench.key" --grpc "$GRPC" --grpc-tls "${SGRPC#tls://}")
bench() { # name, workload, args...
  local name="$1"; shift
  echo "== $name: ./vxdb bench $*" >&2
  ./vxdb bench "$@" --json "$OUT/$name.json" >"$LOGS/$name.log" 2>&1 || { tail -30 "$LOGS/$name.log" >&2; return 1; }
  grep -E "ingest:|calls  p50|^target|^coordinator|^rest|^resp|^ws" "$LOGS/$name.log" >&2 || true
}

SEARCH=(search "${AUTH[@]}" --data ../shared/data/sift-5k --index Flat --clients 1 --duration 15 --warmup 2000
        --progress off)
# Warm-up (not reported): both clusters' JVMs compile every path before the measured runs.
./vxdb bench search "${AUTH[@]}" --data ../shared/data/sift-5k --index Flat --clients 1 --duration 5 --warmup 2000 \
  --progress off --target "coordinator=$GRPC,coordinator=$SGRPC,rest=$REST,rest=$SREST,resp=$RESP,resp=$SRESP" \
  >"$LOGS/warmup-search.log" 2>&1
bench security-search "${SEARCH[@]}" --target "coordinator=$GRPC,coordinator=$SGRPC,rest=$REST,rest=$SREST,\
resp=$RESP,resp=$SRESP,resp=$SRESP,resp=$RESP,rest=$SREST,rest=$REST,coordinator=$SGRPC,coordinator=$GRPC"

INGEST=(ingest "${AUTH[@]}" --n "$ROWS" --dim 128 --index Flat --batch 1000 --concurrency 2 --fsync batch
        --progress off)
./vxdb bench ingest "${AUTH[@]}" --n 50000 --dim 128 --index Flat --batch 1000 --concurrency 2 --progress off \
  --target "coordinator=$GRPC,coordinator=$SGRPC,rest=$REST,rest=$SREST,ws=$REST,ws=$SREST,resp=$RESP,resp=$SRESP" \
  >"$LOGS/warmup-ingest.log" 2>&1
bench security-ingest "${INGEST[@]}" --target "coordinator=$GRPC,coordinator=$SGRPC,rest=$REST,rest=$SREST,\
ws=$REST,ws=$SREST,resp=$RESP,resp=$SRESP,resp=$SRESP,resp=$RESP,ws=$SREST,ws=$REST,rest=$SREST,rest=$REST,\
coordinator=$SGRPC,coordinator=$GRPC"
echo "audit log of the secured cluster: $(wc -l <"$SEC/audit.log") lines; ./vxdb audit verify:" >&2
./vxdb audit verify "$SEC"/audit.log* >&2
