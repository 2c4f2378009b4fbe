#!/usr/bin/env bash
# Search and ingest latency while a shard seals buffers and its IVF index catches up, A/B in one
# run: an older commit (default c330189, before seals left the write lock and IVF adds assigned
# lists beside searches) against this checkout, alternating, two rounds each. Embedded engine,
# 1M x 96 generated data: 200,000 rows preloaded and indexed, then 30 s of open-loop ingest at
# 25,000 vectors/s (batches of 1000: 7 seals of 100,000 rows, index catch-ups and a rebuild) with
# 200 searches/s beside it. Output: docs/perf/ingest-stalls-ab.txt.
#   bench/scripts/ingest-stalls-ab.sh [OLD_COMMIT]
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
OLD="${1:-c330189}"
OLD_TREE="${OLD_TREE:-$ROOT/../vxdb-ab-$OLD}"
OUT="${OUT:-$ROOT/docs/perf/ingest-stalls-ab.txt}"
source "$ROOT/ops/find-jdk.sh"
JAVA_HOME="$(vxdb_find_jdk25)"
export JAVA_HOME OPENBLAS_NUM_THREADS=1 OMP_WAIT_POLICY=PASSIVE
(cd "$ROOT" && ./mvnw -B -q install -DskipTests)
if [[ ! -d "$OLD_TREE" ]]; then
  git -C "$ROOT" worktree add -q "$OLD_TREE" "$OLD"
fi
(cd "$OLD_TREE" && ./mvnw -B -q -pl bench -am package -DskipTests)
FLAGS=("@$ROOT/ops/jvm.args") # one flag per line, as the java launcher reads an @argfile
ARGS=(mixed --target embedded --n 1000000 --dim 96 --cache "$ROOT/bench/target/data" --preload 0.2
      --ingest-rate 25000 --batch 1000 --search-rate 200 --duration 30 --shards 1 --progress off)
{
  echo "ingest-stalls-ab: old $OLD ($OLD_TREE) vs new $(git -C "$ROOT" rev-parse --short HEAD), $(date -u +%FT%TZ)"
  for round in 1 2; do
    for which in old new; do
      tree="$ROOT"; [[ $which == old ]] && tree="$OLD_TREE"
      echo "== $which round $round $(date -u +%H:%M:%S)"
      (cd "$tree" && "$JAVA_HOME/bin/java" "${FLAGS[@]}" -Xmx4g -cp "bench/target/classes:bench/target/lib/*" \
        org.vxdb.bench.load.LoadBench "${ARGS[@]}" 2>&1 | grep -E "mixed (search|ingest)|loaded [0-9]")
    done
  done
} | tee "$OUT"
