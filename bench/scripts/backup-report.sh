#!/usr/bin/env bash
# Backup and restore throughput (issue 17, docs/backup.md "Throughput"), written to
# $OUT/backup-report-SIZE.txt (OUT defaults to docs/perf):
#   bench/scripts/backup-report.sh [SIZE]      SIZE rows of 128-d generated clustered data (default 1000000);
#                                               DATA=DIR uses an fvecs dataset instead (e.g. a SIFT 1M copy)
# One run, on the three-node RF 2 bench cluster (ops/config/bench-3node-rf2, ports 76xx, 12 clusters):
#   1. SIZE rows into collection "bulk" through the coordinator (QUORUM), buffers sealed by age;
#   2. write throughput without a backup: LOAD rows into a fresh collection (load_before);
#   3. a backup of "bulk" with nothing else running: MB/s and rows/s;
#   4. the same backup while the same write load runs (load_during): MB/s, rows/s, and the write
#      throughput during it;
#   5. write throughput without a backup again (load_after), so drift in the machine shows;
#   6. the cluster wiped and started empty, then a restore of backup 3 into it (rows replayed into
#      both replicas of every shard, digests verified): MB/s and rows/s.
# INDEX (default Flat) is the index of "bulk": IVF adds the vector index files to the backup.
# The backup tool (BackupMain, what `./vxdb backup|restore` run) is called from coordinator/target directly,
# so its timing has no CLI start-up in it.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$ROOT"
SIZE="${1:-1000000}"
INDEX="${INDEX:-Flat}"
OUT="${OUT:-docs/perf}"
LOAD=$(( SIZE / 5 )); (( LOAD < 20000 )) && LOAD=20000; (( LOAD > 200000 )) && LOAD=200000
CONFIG=ops/config/bench-3node-rf2
WORK=bench/target/backup-report
LOGS="$WORK/logs"
REPORT="$OUT/backup-report-$SIZE.txt"
rm -rf "$WORK"; mkdir -p "$LOGS" "$OUT"

CLUSTER_PID=
start_cluster() { # label
  rm -rf "data/$(basename "$CONFIG")"
  ./vxdb run --config-dir "$CONFIG" >"$LOGS/cluster-$1.log" 2>&1 &
  CLUSTER_PID=$!
  until grep -q "Press Ctrl-C" "$LOGS/cluster-$1.log" 2>/dev/null; do
    kill -0 "$CLUSTER_PID" 2>/dev/null || { cat "$LOGS/cluster-$1.log" >&2; exit 1; }
    sleep 1
  done
}
stop_cluster() {
  [[ -n "$CLUSTER_PID" ]] || return 0
  kill -TERM "$CLUSTER_PID"; wait "$CLUSTER_PID" || true
  CLUSTER_PID=
}
trap stop_cluster EXIT

backup_tool() { # BackupMain arguments
  "${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}/bin/java" -Xmx1g \
    -cp "coordinator/target/classes:coordinator/target/lib/*" org.vxdb.coordinator.backup.BackupMain "$@"
}

data_args() {
  if [[ -n "${DATA:-}" ]]; then echo "--data $DATA"; else echo "--n $SIZE --dim 128 --queries 10"; fi
}

ingest() { # collection, rows, log name; prints the vectors/s figure
  # shellcheck disable=SC2046 # data_args is a list of options
  ./vxdb bench ingest --target coordinator=127.0.0.1:7600 $(data_args) --rows "$2" --batch 1000 \
    --concurrency 2 --consistency quorum --collection "$1" --keep true --index "$INDEX" --buffer-age-ms 2000 \
    --progress off >"$LOGS/$3.log" 2>&1 || { tail -20 "$LOGS/$3.log" >&2; exit 1; }
  grep -oE '[0-9]+ vectors/s' "$LOGS/$3.log" | tail -1 | cut -d' ' -f1
}

span() { awk -v a="$1" -v b="$2" 'BEGIN {printf "%.1f", b - a}'; }

figures() { # log of the backup tool: "X MB, N records ... (A MB/s, B records/s)"
  tail -1 "$1" | grep -oE '[0-9.]+ MB, [0-9]+ records|[0-9.]+ MB read|\([0-9.]+ MB/s, [0-9]+ records/s\)' | tr '\n' ' '
}

echo "== cluster up, $SIZE rows into bulk ($INDEX)" >&2
start_cluster source
bulk_rate=$(ingest bulk "$SIZE" bulk)

echo "== write load warm-up (not reported), then write throughput without a backup" >&2
ingest load_warmup "$LOAD" load_warmup >/dev/null
before=$(ingest load_before "$LOAD" load_before)

echo "== backup, idle cluster" >&2
backup_tool backup --config "$CONFIG/coordinator.yaml" --to "$WORK/backup-idle" --collection bulk \
  >"$LOGS/backup-idle.log" 2>&1 || { tail -5 "$LOGS/backup-idle.log" >&2; exit 1; }

echo "== backup under write load" >&2
ingest load_during "$LOAD" load_during >"$WORK/during.txt" &
INGEST_PID=$!
ingest_start=$(date +%s.%N)
# The backup starts once the writers do (the ingest creates its collection right before writing).
until curl -sf http://127.0.0.1:7610/v1/collections/load_during >/dev/null 2>&1; do
  kill -0 "$INGEST_PID" 2>/dev/null || { tail -20 "$LOGS/load_during.log" >&2; exit 1; }
  sleep 0.2
done
backup_start=$(date +%s.%N)
backup_tool backup --config "$CONFIG/coordinator.yaml" --to "$WORK/backup-load" --collection bulk \
  >"$LOGS/backup-load.log" 2>&1 || { tail -5 "$LOGS/backup-load.log" >&2; exit 1; }
backup_done=$(date +%s.%N)
wait "$INGEST_PID"
ingest_done=$(date +%s.%N)
during=$(cat "$WORK/during.txt")

echo "== write throughput without a backup, again" >&2
after=$(ingest load_after "$LOAD" load_after)
stop_cluster

echo "== restore into the same cluster, wiped" >&2
start_cluster restore
backup_tool restore --config "$CONFIG/coordinator.yaml" --from "$WORK/backup-idle" \
  >"$LOGS/restore.log" 2>&1 || { tail -5 "$LOGS/restore.log" >&2; exit 1; }
stop_cluster

{
  echo "backup-report: $SIZE x 128 rows ($INDEX) in 'bulk', 3 nodes, RF 2, 12 clusters; write load: $LOAD rows,"
  echo "  batches of 1000, 2 writers, QUORUM, into a fresh collection; $(date -u +%Y-%m-%dT%H:%MZ)"
  echo "bulk load:                 $bulk_rate vectors/s"
  echo "backup, idle:              $(figures "$LOGS/backup-idle.log")"
  echo "backup, under write load:  $(figures "$LOGS/backup-load.log")"
  echo "writes without a backup:   $before vectors/s (before), $after vectors/s (after)"
  echo "writes during the backup:  $during vectors/s (write load $(span "$ingest_start" "$ingest_done") s, from"
  echo "  $(span "$ingest_start" "$backup_start") s before the backup tool started; backup tool $(span "$backup_start" \
    "$backup_done") s, JVM start included)"
  echo "restore (2 replicas each): $(figures "$LOGS/restore.log")"
} | tee "$REPORT"
