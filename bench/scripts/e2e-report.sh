#!/usr/bin/env bash
# The end-to-end measurements of docs/performance.md ("End to end"), each written to docs/perf/:
#   bench/scripts/e2e-report.sh [step ...]    steps: inprocess real onenode threenode memory (default: all),
#   and onenode-ingest (only the ingest series of onenode)
# Each step starts what it needs (./vxdb run --config-dir ... in the background) and stops it after.
# Generated data (1M x 128 clustered, exact ground truth) is cached in bench/target/data.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$ROOT"
OUT=docs/perf
mkdir -p "$OUT" bench/target/e2e
N="${N:-1000000}"
NPROBES="${NPROBES:-1,2,4,8,16,32,64}"
GEN=(--n "$N" --dim 128)

cpu_seconds() { # pattern: CPU seconds (user + system) used so far by the processes whose command line matches
  local pid total=0 ticks
  ticks=$(getconf CLK_TCK)
  for pid in $(pgrep -f "$1"); do
    # Fields 14 and 15 of /proc/PID/stat (after the parenthesised command name): utime and stime in ticks.
    total=$((total + $(sed 's/.*) //' "/proc/$pid/stat" | awk '{print $12 + $13}')))
  done
  awk -v t="$total" -v hz="$ticks" 'BEGIN {printf "%.2f", t / hz}'
}

bench() { # name, workload, args...: one run of ./vxdb bench with its JSON, Markdown and plot in docs/perf
  local name="$1"; shift
  echo "== $name: ./vxdb bench $*" >&2
  # Where the CPU went: the seconds each process used during the run (the bench client is ./vxdb
  # bench itself, as reported by bash's time), written beside the report as $name.cpu.txt.
  local c0 n0 start=$SECONDS TIMEFORMAT="%U %S"
  c0=$(cpu_seconds CoordinatorMain); n0=$(cpu_seconds NodeMain)
  { time ./vxdb bench "$@" --json "$OUT/$name.json" --md "$OUT/$name.md" --plot "$OUT/$name.png" --progress off \
    >"bench/target/e2e/$name.log" 2>&1; } 2>"bench/target/e2e/$name.time" \
    || { tail -30 "bench/target/e2e/$name.log" >&2; return 1; }
  printf 'wall_s %s client_cpu_s %s coordinators_cpu_s %s nodes_cpu_s %s\n' "$((SECONDS - start))" \
    "$(awk '{print $1 + $2}' "bench/target/e2e/$name.time")" \
    "$(awk -v a="$(cpu_seconds CoordinatorMain)" -v b="$c0" 'BEGIN {printf "%.2f", a - b}')" \
    "$(awk -v a="$(cpu_seconds NodeMain)" -v b="$n0" 'BEGIN {printf "%.2f", a - b}')" \
    | tee "$OUT/$name.cpu.txt" >&2
  tail -1 "bench/target/e2e/$name.log"
}

ingest_series() { # label, target: batches of 1000 (all rows), 100 (200k rows), 1 (20k rows), fsync batch
  local b rows
  for b in 1000 100 1; do
    rows=$N; [[ $b == 100 ]] && rows=200000; [[ $b == 1 ]] && rows=20000
    bench "ingest-1m-$1-batch$b" ingest --target "$2" "${GEN[@]}" --batch "$b" --concurrency 4 --rows "$rows" \
      --fsync batch
  done
}

CLUSTER_PID=
start_cluster() { # config dir
  rm -rf "data/$(basename "$1")" data/node-1 data/node-2 data/node-3
  ./vxdb run --config-dir "$1" >"bench/target/e2e/cluster-$(basename "$1").log" 2>&1 &
  CLUSTER_PID=$!
  until grep -q "Press Ctrl-C" "bench/target/e2e/cluster-$(basename "$1").log"; do
    kill -0 "$CLUSTER_PID" 2>/dev/null || { cat "bench/target/e2e/cluster-$(basename "$1").log" >&2; exit 1; }
    sleep 1
  done
}
stop_cluster() {
  [[ -n "$CLUSTER_PID" ]] || return 0
  # TERM, not INT: a background job of a script ignores SIGINT. ./vxdb run stops the cluster on either.
  kill -TERM "$CLUSTER_PID"; wait "$CLUSTER_PID" || true
  CLUSTER_PID=
}
trap stop_cluster EXIT

step_inprocess() {
  bench recall-1m-inprocess recall --target direct,embedded "${GEN[@]}" --nprobe "$NPROBES" --rounds 2 --warmup 200
}

step_real() {
  local ds m
  for ds in sift-5k mnist-10k glove-25d-12k; do
    m=l2; [[ "$ds" == glove-25d-12k ]] && m=cosine
    bench "recall-$ds-inprocess" recall --target direct,embedded --data "../shared/data/$ds" --metric "$m" \
      --nprobe 1,2,4,8,16,32 --rounds 4 --warmup 100
    bench "exact-$ds-all" recall --target direct,embedded,node=127.0.0.1:7201,coordinator=127.0.0.1:7200 \
      --data "../shared/data/$ds" --metric "$m" --index Flat --rounds 4 --warmup 1000
  done
}

step_onenode() {
  bench recall-1m-onenode recall --target direct,node=127.0.0.1:7201,coordinator=127.0.0.1:7200 "${GEN[@]}" \
    --nprobe "$NPROBES" --rounds 2 --warmup 200
  ingest_series rf1 coordinator=127.0.0.1:7200
}

step_threenode() {
  bench recall-1m-rf2 recall --target direct,coordinator=127.0.0.1:7100 "${GEN[@]}" --nprobe "$NPROBES" \
    --rounds 2 --warmup 200
  bench search-1m-rf2-openloop search --target coordinator=127.0.0.1:7100 "${GEN[@]}" --nprobe "${SEARCH_NPROBE:-8}" \
    --clients 4 --duration 20 --rate 25%,50%,75% --workers 64
  ingest_series rf2 coordinator=127.0.0.1:7100
}

steps=("$@")
[[ ${#steps[@]} -gt 0 ]] || steps=(inprocess real onenode threenode memory)
for s in "${steps[@]}"; do
  case "$s" in
    inprocess) step_inprocess ;;
    real) start_cluster ops/config/bench-1node; step_real; stop_cluster ;;
    onenode) start_cluster ops/config/bench-1node; step_onenode; stop_cluster ;;
    onenode-ingest) start_cluster ops/config/bench-1node; ingest_series rf1 coordinator=127.0.0.1:7200; stop_cluster ;;
    threenode) start_cluster ops/config/local; step_threenode; stop_cluster ;;
    memory) bench/scripts/node-memory-restart.sh "$N" 2 | tee "$OUT/node-memory-restart.jsonl" ;;
    *) echo "unknown step '$s' (inprocess real onenode onenode-ingest threenode memory)" >&2; exit 2 ;;
  esac
done
