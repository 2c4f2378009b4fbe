#!/usr/bin/env bash
# The cluster-consistency figures of issue 12 (docs/performance.md, "Consistency levels, hints and
# anti-entropy"), written to docs/perf/consistency-*:
#   bench/scripts/consistency-report.sh [step ...]   steps: levels catchup passcost (default: all)
# levels:   write throughput at ONE, QUORUM and ALL through a coordinator, at RF 2 and at RF 3 (three
#           nodes each: ops/config/bench-3node-rf2, -rf3), batches of 1000 x 128, 4 writers, in one run
#           per replication factor: four warm-up runs (not reported), then ONE QUORUM ALL ALL QUORUM ONE
#           so that drift in the machine shows.
# catchup:  RF 2; 60,000 rows, node-2 SIGKILLed, 60,000 more rows at ONE (upserts of the same ids:
#           node-2 misses them), node-2 restarted; the time from its /readyz to every shard's replicas
#           agreeing (GET /v1/collections/NAME/shards), once through hints alone (background pass off)
#           and once through the background anti-entropy pass alone (hints never replayed: interval 1h;
#           pass every 5 s, default rate 20,000 rows/s).
# passcost: RF 2, search p50/p99 of a closed loop (1 client, 20 s) without the background pass and
#           with one every second, on the same 100,000 rows, off on off.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$ROOT"
OUT=docs/perf
LOGS=bench/target/consistency
mkdir -p "$OUT" "$LOGS"

CLUSTER_PID=
start_cluster() { # config dir, label
  rm -rf "data/$(basename "$1")"
  ./vxdb run --config-dir "$1" >"$LOGS/cluster-$2.log" 2>&1 &
  CLUSTER_PID=$!
  until grep -q "Press Ctrl-C" "$LOGS/cluster-$2.log"; do
    kill -0 "$CLUSTER_PID" 2>/dev/null || { cat "$LOGS/cluster-$2.log" >&2; exit 1; }
    sleep 1
  done
}
stop_cluster() {
  [[ -n "$CLUSTER_PID" ]] || return 0
  kill -TERM "$CLUSTER_PID"; wait "$CLUSTER_PID" || true
  CLUSTER_PID=
}
trap stop_cluster EXIT

# A copy of a config dir with the coordinator's write/repair sections replaced (paths made absolute).
variant() { # source dir, name, yaml for the end of coordinator.yaml
  local dir="$LOGS/config-$2"
  rm -rf "$dir"; mkdir -p "$dir"
  for f in "$1"/*.yaml; do
    sed "s#\.\./\.\./\.\./data/#$ROOT/data/#g" "$f" >"$dir/$(basename "$f")"
  done
  # drop the original write: and repair: sections, then append the variant's
  awk '/^(write|repair):/{skip=1; next} /^[a-z]/{skip=0} !skip' "$dir/coordinator.yaml" >"$dir/c.tmp"
  printf '%s\n' "$3" >>"$dir/c.tmp"
  mv "$dir/c.tmp" "$dir/coordinator.yaml"
  echo "$ROOT/$dir"
}

step_levels() {
  local rf port level order=(one quorum all all quorum one) i=0
  for rf in 2 3; do
    port=$((7600 + (rf - 2) * 100))
    start_cluster "ops/config/bench-3node-rf$rf" "rf$rf"
    # Warm-up (not reported): three JVMs that just started get faster run after run for a while.
    for level in one all one all; do
      ./vxdb bench ingest --target "coordinator=127.0.0.1:$port" --n 100000 --dim 128 --rows 100000 --batch 1000 \
        --concurrency 4 --consistency "$level" --fsync batch --progress off >"$LOGS/levels-rf$rf-warmup.log" 2>&1 \
        || { tail -20 "$LOGS/levels-rf$rf-warmup.log" >&2; exit 1; }
    done
    for level in "${order[@]}"; do
      i=$((i + 1))
      echo "== RF $rf $level (run $i)" >&2
      ./vxdb bench ingest --target "coordinator=127.0.0.1:$port" --n 100000 --dim 128 --rows 100000 --batch 1000 \
        --concurrency 4 --consistency "$level" --fsync batch --progress off \
        --json "$LOGS/levels-rf$rf-$level-$i.json" >"$LOGS/levels-rf$rf-$level-$i.log" 2>&1 \
        || { tail -20 "$LOGS/levels-rf$rf-$level-$i.log" >&2; exit 1; }
      grep -E "vectors/s" "$LOGS/levels-rf$rf-$level-$i.log" | tail -1 | sed "s/^/RF $rf $level: /" \
        | tee -a "$OUT/consistency-levels.txt"
    done
    stop_cluster
  done
}

write_rows() { # rest port, collection, rows, seed
  python3 - "$@" <<'PY'
import json, random, sys, urllib.request
port, name, rows, seed = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
random.seed(seed)
for start in range(0, rows, 1000):
    vectors = [{"id": i, "values": [random.random() for _ in range(32)]} for i in range(start, start + 1000)]
    req = urllib.request.Request(f"http://127.0.0.1:{port}/v1/collections/{name}/vectors",
                                 data=json.dumps({"vectors": vectors, "consistency": "one"}).encode(), method="PUT",
                                 headers={"Content-Type": "application/json"})
    body = json.loads(urllib.request.urlopen(req).read())
    if body.get("failures"):
        sys.exit("write failures: " + json.dumps(body["failures"][:3]))
PY
}

agreed() { # rest port, collection: every shard in agreement?
  curl -sf "http://127.0.0.1:$1/v1/collections/$2/shards" | python3 -c '
import json, sys
shards = json.load(sys.stdin)["shards"]
sys.exit(0 if all(s["agreement"] == "in_agreement" for s in shards) else 1)'
}

catchup_once() { # label, coordinator yaml tail
  local dir rest=7610 pid t0 t1 node2
  dir="$(variant ops/config/bench-3node-rf2 "$1" "$2")"
  rm -rf data/bench-3node-rf2
  start_cluster "$dir" "catchup-$1"
  curl -sS --fail-with-body -X POST "http://127.0.0.1:$rest/v1/collections" -H 'Content-Type: application/json' \
    -d '{"name":"catchup","dimension":32,"metric":"l2"}' >/dev/null
  write_rows $rest catchup 60000 1
  pid="$(pgrep -f "NodeMain --config $dir/node-2.yaml")"
  kill -9 "$pid"
  write_rows $rest catchup 60000 2
  node2="$LOGS/catchup-$1-node-2.log"
  ./vxdb node --config "$dir/node-2.yaml" >"$node2" 2>&1 &
  until curl -sf http://127.0.0.1:7682/readyz >/dev/null 2>&1; do sleep 0.1; done
  t0=$(date +%s.%N)
  until agreed $rest catchup; do sleep 0.2; done
  t1=$(date +%s.%N)
  echo "catch-up through $1: $(awk -v a="$t0" -v b="$t1" 'BEGIN {printf "%.1f", b - a}') s from ready to every shard in agreement" \
    | tee -a "$OUT/consistency-catchup.txt"
  curl -s http://127.0.0.1:7680/metrics | grep -E "^vxdb_(coordinator_hints_(written|replayed)_total|antientropy_rows_repaired_total)" \
    | sed "s/^/  /" | tee -a "$OUT/consistency-catchup.txt"
  pkill -TERM -f "NodeMain --config $dir/node-2.yaml" || true
  stop_cluster
}

step_catchup() {
  : >"$OUT/consistency-catchup.txt"
  catchup_once hints $'write:\n  consistency: one\n  hints_dir: '"$ROOT"$'/data/bench-3node-rf2/hints\n  hint_replay_interval: 1s\nrepair:\n  interval: 0s'
  catchup_once anti-entropy $'write:\n  consistency: one\n  hints_dir: '"$ROOT"$'/data/bench-3node-rf2/hints\n  hint_replay_interval: 1h\nrepair:\n  interval: 5s'
}

passcost_once() { # label, coordinator yaml tail
  local dir
  dir="$(variant ops/config/bench-3node-rf2 "pass-$1" "$2")"
  rm -rf data/bench-3node-rf2
  start_cluster "$dir" "pass-$1"
  ./vxdb bench search --target coordinator=127.0.0.1:7600 --n 100000 --dim 128 --clients 1 --duration 20 \
    --progress off --json "$LOGS/passcost-$1-$3.json" >"$LOGS/passcost-$1-$3.log" 2>&1 \
    || { tail -20 "$LOGS/passcost-$1-$3.log" >&2; exit 1; }
  grep -E "closed|p99" "$LOGS/passcost-$1-$3.log" | head -3 | sed "s/^/pass $1 ($3): /" | tee -a "$OUT/consistency-passcost.txt"
  stop_cluster
}

step_passcost() {
  : >"$OUT/consistency-passcost.txt"
  local off=$'repair:\n  interval: 0s' on=$'repair:\n  interval: 1s'
  passcost_once off "$off" 1
  passcost_once every-1s "$on" 2
  passcost_once off "$off" 3
}

steps=("$@")
[[ ${#steps[@]} -gt 0 ]] || steps=(levels catchup passcost)
for s in "${steps[@]}"; do
  case "$s" in
    levels) : >"$OUT/consistency-levels.txt"; step_levels ;;
    catchup) step_catchup ;;
    passcost) step_passcost ;;
    *) echo "unknown step '$s' (levels catchup passcost)" >&2; exit 2 ;;
  esac
done
