#!/usr/bin/env bash
# The filtered-search figures of issue 19 (docs/performance.md, "Filtered search"), written to docs/perf/filter-*:
#   bench/scripts/filter-report.sh                 # 200k and 1M rows, embedded, then 200k behind a coordinator
#   ROWS_LIST="200000" WITH_COORDINATOR=0 bench/scripts/filter-report.sh
# For each size: generated clustered data (96 dimensions, 256 clusters, 1000 queries), one IVF shard,
# generated metadata of known selectivity; unfiltered search, each filter (50%, 10%, 1%, 0.1%, 0.01%
# range on an integer field, and a 10% string equality) before any metadata index exists, then the
# metadata indexes added to the loaded collection (their build time and heap bytes) and each filter
# again: p50 / p99 against unfiltered and recall@10 against the exact filtered answer.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$ROOT"
OUT=docs/perf
LOGS=bench/target/filter
mkdir -p "$OUT" "$LOGS"
ROWS_LIST="${ROWS_LIST:-200000 1000000}"
WITH_COORDINATOR="${WITH_COORDINATOR:-1}"
GRPC=127.0.0.1:7200
COMMON=(filter --dim 96 --clusters 256 --queries 1000 --filter-queries 500 --warmup 1500 --index IVF,Flat
        --filter 50,10,1,0.1,0.01 --fsync none --progress off)

bench() { # name, args...
  local name="$1"; shift
  echo "== $name: ./vxdb bench $*" >&2
  ./vxdb bench "$@" --json "$OUT/$name.json" --md "$OUT/$name.md" >"$LOGS/$name.log" 2>&1 \
    || { tail -30 "$LOGS/$name.log" >&2; return 1; }
  grep -E "^target|^embedded|^coordinator|built|exact filtered" "$LOGS/$name.log" >&2 || true
}

for n in $ROWS_LIST; do
  bench "filter-embedded-$n" "${COMMON[@]}" --n "$n" --target embedded
done

if [[ "$WITH_COORDINATOR" == 1 ]]; then
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
  # A coordinator's describe does not sum the nodes' metadata index stats: the builds are watched on the node.
  bench "filter-coordinator-200000" "${COMMON[@]}" --n 200000 --target "coordinator=$GRPC" \
    --filter-node 127.0.0.1:7201
  stop_cluster
fi
