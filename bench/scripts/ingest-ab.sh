#!/usr/bin/env bash
# Ingest through the coordinator, old build against this one, alternating (docs/performance.md,
# "Ingest through the coordinator"): 1M x 128 generated, batches of 1000, 4 writers, fsync batch.
#   bench/scripts/ingest-ab.sh OLD_TREE [ROUNDS] [rf1|rf2]
# OLD_TREE is another built checkout (e.g. git clone of main into /tmp, then ./mvnw package -DskipTests).
# Each round starts the one-node (rf1: ops/config/bench-1node, ports 72xx) or three-node RF 2 cluster
# (rf2: ops/config/bench-3node-rf2, ports 76xx) of each tree, loads 300k rows to warm the JVMs, then
# measures 1M rows: vectors/s, the CPU seconds of the client (./vxdb bench), the coordinator and the
# nodes during the load, and the time until the coordinator reports every row indexed (polled here,
# the same way for both trees). One line per run goes to docs/perf/ingest-ab-<rf>.txt.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
OLD="$(cd "${1:?usage: ingest-ab.sh OLD_TREE [ROUNDS] [rf1|rf2]}" && pwd)"
ROUNDS="${2:-3}"
RF="${3:-rf1}"
case "$RF" in
  rf1) CONFIG=ops/config/bench-1node; CPORT=7200; REST=7210; NPORTS=(7201) ;;
  rf2) CONFIG=ops/config/bench-3node-rf2; CPORT=7600; REST=7610; NPORTS=(7601 7602 7603) ;;
  *) echo "unknown layout '$RF' (rf1 or rf2)" >&2; exit 2 ;;
esac
OUT="$ROOT/docs/perf/ingest-ab-$RF.txt"
WORK="$ROOT/bench/target/ingest-ab"
mkdir -p "$WORK"
HZ=$(getconf CLK_TCK)

pid_of() { ss -ltnp | grep "127.0.0.1\]*:$1 " | sed -E 's/.*pid=([0-9]+).*/\1/' | head -1; }
ticks() { local t=0 p; for p in "$@"; do t=$((t + $(sed 's/.*) //' "/proc/$p/stat" | awk '{print $12 + $13}'))); done; echo "$t"; }
secs() { awk -v a="$1" -v b="$2" -v hz="$HZ" 'BEGIN {printf "%.2f", (a - b) / hz}'; }
stats() { curl -s "http://127.0.0.1:$REST/v1/collections/abtest"; }
indexed() { python3 -c 'import json,sys; s=json.loads(sys.argv[1])["stats"]
sys.exit(0 if int(s.get("buffered_rows", 0)) == 0 and int(s.get("indexed_rows", 0)) >= int(s["vector_count"]) else 1)' "$1"; }

start_cluster() { # tree, log
  if ss -ltnp | grep -q ":${CPORT:0:2}[0-9][0-9] "; then echo "ports ${CPORT:0:2}xx are in use" >&2; exit 1; fi
  rm -f "$2" # a log of an earlier run would say "Press Ctrl-C" before this cluster is up
  (cd "$1" && rm -rf "data/$(basename "$CONFIG")" && setsid ./vxdb run --config-dir "$CONFIG" >"$2" 2>&1 &)
  for _ in $(seq 1 120); do
    grep -q "Press Ctrl-C" "$2" 2>/dev/null && [[ -n "$(pid_of "$CPORT")" ]] && return 0
    sleep 1
  done
  tail -20 "$2" >&2; exit 1
}
stop_cluster() {
  pkill -TERM -f "$CONFIG/" || true
  for _ in $(seq 1 30); do ss -ltnp | grep -q ":$CPORT " || return 0; sleep 1; done
}
trap stop_cluster EXIT

run() { # tree, label, rows
  local tree=$1 label=$2 rows=$3 cp nps c0 n0 c1 n1 n2 t0 t1 t2 extra=()
  # A bench that waits for the index itself is told not to (older ones do not know the option): the
  # CPU of the load is read when the load ends, and the wait is timed here for both.
  if grep -q await-indexed "$tree/bench/src/main/java/org/vxdb/bench/load/IngestWorkload.java"; then
    extra=(--await-indexed false)
  fi
  cp=$(pid_of "$CPORT"); nps=""; for p in "${NPORTS[@]}"; do nps+=" $(pid_of "$p")"; done
  curl -s -X DELETE "http://127.0.0.1:$REST/v1/collections/abtest" >/dev/null || true
  c0=$(ticks "$cp"); n0=$(ticks $nps); t0=$(date +%s.%N)
  (cd "$tree" && TIMEFORMAT="%U %S" && { time ./vxdb bench ingest --target "coordinator=127.0.0.1:$CPORT" --n 1000000 \
    --dim 128 --batch 1000 --concurrency 4 --rows "$rows" --fsync batch --progress off --collection abtest \
    --keep true --json "$WORK/$label.json" "${extra[@]}" >"$WORK/$label.log" 2>&1; } 2>"$WORK/$label.time")
  t1=$(date +%s.%N); c1=$(ticks "$cp"); n1=$(ticks $nps)
  until indexed "$(stats)"; do sleep 0.5; done
  t2=$(date +%s.%N); n2=$(ticks $nps)
  curl -s -X DELETE "http://127.0.0.1:$REST/v1/collections/abtest" >/dev/null
  python3 - "$WORK/$label.json" "$label" "$(awk '{print $1 + $2}' "$WORK/$label.time")" "$(secs "$c1" "$c0")" \
      "$(secs "$n1" "$n0")" "$(secs "$n2" "$n0")" "$(awk -v a="$t2" -v b="$t1" 'BEGIN {printf "%.1f", a - b}')" <<'PY'
import json, sys
j = json.load(open(sys.argv[1]))["targets"][0]
label, client, coord, node, node_indexed, after = sys.argv[2:]
print(f"{label}: {j['vectors_per_s']:.0f} vectors/s, load {j['seconds']:.1f} s, batch p50 {j['batch_latency']['p50']:.1f}"
      f" p99 {j['batch_latency']['p99']:.1f} ms; CPU s client {client} coordinator {coord} nodes {node}"
      f" (nodes until indexed {node_indexed}); indexed {float(after) + j['seconds']:.1f} s after the load started,"
      f" {after} s after it ended")
PY
}

echo "# $(date -u +%FT%TZ) $RF, old $OLD ($(git -C "$OLD" rev-parse --short HEAD)), new $ROOT ($(git -C "$ROOT" rev-parse --short HEAD))" | tee -a "$OUT"
for r in $(seq 1 "$ROUNDS"); do
  for side in old new; do
    tree=$OLD; [[ $side == new ]] && tree=$ROOT
    start_cluster "$tree" "$WORK/cluster-$RF-$side-$r.log"
    run "$tree" "$RF-$side-$r-warm" 300000 >/dev/null
    run "$tree" "$RF-$side-$r" 1000000 | tee -a "$OUT"
    stop_cluster
  done
done
