#!/usr/bin/env bash
# Runs the storage-engine benchmarks of docs/performance.md ("Storage engine (in process)") one
# after another and collects their JSON lines.
#   bench/run-storage-bench.sh [out dir] [n]      (defaults: bench/target/storage-bench, 1000000)
# Each run's full output goes to <out>/<name>.log, its JSON line to <out>/results.jsonl; then
#   bench/storage-summary.py <out>/results.jsonl      prints the tables.
# PARTS (default "ingest ingest-flat search restart") picks what runs; REPEAT (default 2) how often
# each ingest configuration runs. ingest-flat is the same matrix without an index (no background
# index builds competing with the writes).
# Extra arguments for the JVM: VXDB_JAVA_OPTS; for Maven (./vxdb builds first): MAVEN_ARGS.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
OUT="${1:-bench/target/storage-bench}"
N="${2:-1000000}"
REPEAT="${REPEAT:-2}"
PARTS="${PARTS:-ingest ingest-flat search restart}"
mkdir -p "$OUT"

run() {
  local name="$1"
  shift
  echo "$(date -u +%H:%M:%S) $name: $*" >&2
  ./vxdb storage-bench "$@" > "$OUT/$name.log" 2>&1
  tail -n 1 "$OUT/$name.log" >> "$OUT/results.jsonl"
}

ingest_matrix() {
  local index="$1" tag="$2"
  for rep in $(seq 1 "$REPEAT"); do
    for policy in always batch none; do
      for batch in 100 1000; do
        run "ingest$tag-$policy-$batch-r$rep" ingest --n "$N" --policy "$policy" --batch "$batch" --index "$index"
      done
    done
  done
}

for part in $PARTS; do
  case "$part" in
    ingest) ingest_matrix IVF,Flat "" ;;
    ingest-flat) ingest_matrix Flat "-flat" ;;
    search) run search search --n "$N" ;;
    restart) run restart restart --n "$N" ;;
    *) echo "unknown part '$part' (ingest, ingest-flat, search, restart)" >&2; exit 2 ;;
  esac
done
