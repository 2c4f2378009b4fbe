#!/usr/bin/env bash
# Where a search's time goes between the client and FAISS (docs/performance.md, "Where the time
# goes"): one closed- and open-loop search run through a one-node cluster, with the server-side
# histograms of the coordinator and the node read before and after it. Each layer's mean time,
# minus the mean of the layer it calls, is that layer's own cost (its share of the hop included).
#   bench/scripts/hop-breakdown.sh [N=1000000] [NPROBE=8]
# Writes docs/perf/hop-breakdown.{json,md,png} (the harness's report) and hop-breakdown.txt (the table).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$ROOT"
N="${1:-1000000}"
NPROBE="${2:-8}"
OUT=docs/perf
LOGS=bench/target/e2e
mkdir -p "$OUT" "$LOGS"

rm -rf data/bench-1node
./vxdb run --config-dir ops/config/bench-1node >"$LOGS/cluster-hop-breakdown.log" 2>&1 &
CLUSTER_PID=$!
trap 'kill -TERM "$CLUSTER_PID" 2>/dev/null; wait "$CLUSTER_PID" || true' EXIT
until grep -q "Press Ctrl-C" "$LOGS/cluster-hop-breakdown.log"; do
  kill -0 "$CLUSTER_PID" 2>/dev/null || { cat "$LOGS/cluster-hop-breakdown.log" >&2; exit 1; }
  sleep 1
done

# "sum count" of one histogram whose sample line contains the given label text.
histogram() { # url, metric, label text
  curl -fsS "$1/metrics" | awk -v m="$2" -v f="$3" '
    index($1, m "_sum{") == 1 && index($1, f) { s += $2 }
    index($1, m "_count{") == 1 && index($1, f) { c += $2 }
    END { printf "%.9f %d", s, c }'
}
snapshot() {
  echo "$(histogram http://127.0.0.1:7280 vxdb_grpc_request_duration_seconds 'VectorService/Search"') \
$(histogram http://127.0.0.1:7280 vxdb_coordinator_node_call_duration_seconds 'method="SearchShards"') \
$(histogram http://127.0.0.1:7281 vxdb_grpc_request_duration_seconds 'StorageNodeService/SearchShards"')"
}

before=$(snapshot)
./vxdb bench search --target direct,coordinator=127.0.0.1:7200 --n "$N" --dim 128 --nprobe "$NPROBE" \
  --clients 1 --duration 20 --rate 50% --warmup 200 --progress off \
  --json "$OUT/hop-breakdown.json" --md "$OUT/hop-breakdown.md" --plot "$OUT/hop-breakdown.png" \
  >"$LOGS/hop-breakdown.log" 2>&1 || { tail -30 "$LOGS/hop-breakdown.log" >&2; exit 1; }
after=$(snapshot)

# The client's mean over its measured calls (closed and open loop; the warm-up is not recorded, so
# the server means include 200 more calls of the same kind).
python3 - "$OUT/hop-breakdown.json" "$before" "$after" <<'EOF' | tee "$OUT/hop-breakdown.txt"
import json, sys
report = json.load(open(sys.argv[1]))
b = [float(x) for x in sys.argv[2].split()]
a = [float(x) for x in sys.argv[3].split()]
def mean_us(i):
    calls = a[i + 1] - b[i + 1]
    return (a[i] - b[i]) / calls * 1e6, int(calls)
def client_mean(target):
    runs = [target["closed_loop"]] + target["open_loop"]
    n = sum(r["latency"]["count"] for r in runs)
    return sum(r["latency"]["mean"] * r["latency"]["count"] for r in runs) / n, n
targets = {t["target"]: t for t in report["targets"]}
direct, direct_n = client_mean(targets["direct"])
client, client_n = client_mean(next(t for name, t in targets.items() if name.startswith("coordinator=")))
coord, coord_n = mean_us(0)
call, call_n = mean_us(2)
node, node_n = mean_us(4)
rows = [
    ("direct: FAISS called in process (the baseline, same run)", direct, direct_n, direct),
    ("client sees (coordinator target)", client, client_n, client - coord),
    ("coordinator server time (Search)", coord, coord_n, coord - call),
    ("coordinator's call to the node (SearchShards)", call, call_n, call - node),
    ("node server time (SearchShards)", node, node_n, node),
]
print(f"search, nprobe {report['nprobe']}, {report['n']} x {report['dim']}, single client")
print("| layer | calls | mean us | own us (mean minus the layer below) |")
print("| --- | ---: | ---: | ---: |")
for name, mean, n, own in rows:
    print(f"| {name} | {n} | {mean:.0f} | {own:.0f} |")
EOF
