#!/usr/bin/env bash
# The dashboard's page load times (docs/dashboard.md, "Page load times"), in Chromium against a running
# cluster (default: the local cluster of ./vxdb run, REST on 127.0.0.1:7110):
#   bench/scripts/dashboard-report.sh [BASE_URL] [ROUNDS]
# Makes a collection "dashboard_load" of 20,000 generated 64-dim vectors (dropped at the end), then loads
# each page ROUNDS times (default 20), each a fresh navigation, and prints per page the median and the
# worst of: DOMContentLoaded, load, the first figures shown, and the API call those figures wait for,
# made from the same page (the floor). Needs ops/install-deps.sh --test (Chromium, playwright-core).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
BASE="${1:-http://127.0.0.1:7110}"
ROUNDS="${2:-20}"
OUT="$ROOT/bench/target/dashboard"
mkdir -p "$OUT"
curl -sf "$BASE/dashboard/" >/dev/null || { echo "dashboard-report: no dashboard at $BASE/dashboard/ (start ./vxdb run)" >&2; exit 1; }

curl -s -X DELETE "$BASE/v1/collections/dashboard_load" >/dev/null || true
curl -sf -X POST "$BASE/v1/collections" -H 'Content-Type: application/json' \
  -d '{"name":"dashboard_load","dimension":64,"metric":"l2"}' >/dev/null
python3 - "$BASE" <<'PY'
import json, random, sys, urllib.request
base = sys.argv[1]
random.seed(11)
for start in range(0, 20000, 1000):
    vectors = [{"id": i + 1, "values": [random.random() for _ in range(64)], "metadata": {"group": i % 10}}
               for i in range(start, start + 1000)]
    body = json.dumps({"vectors": vectors, "consistency": "all"}).encode()
    req = urllib.request.Request(base + "/v1/collections/dashboard_load/vectors", data=body, method="PUT",
                                 headers={"Content-Type": "application/json"})
    urllib.request.urlopen(req).read()
PY

NODE_PATH="$ROOT/ops/test-clients/node_modules" node "$ROOT/coordinator/src/test/resources/dashboard/dashboard.cjs" \
  "$BASE" "$OUT" "[{\"do\":\"loadTimes\",\"collection\":\"dashboard_load\",\"rounds\":$ROUNDS}]" >"$OUT/load-times.json"
curl -s -X DELETE "$BASE/v1/collections/dashboard_load" >/dev/null

python3 - "$OUT/load-times.json" "$ROUNDS" <<'PY'
import json, statistics, sys
data = json.load(open(sys.argv[1]))["loadTimes"]
print(f"dashboard page loads, {sys.argv[2]} fresh loads per page (ms from navigation start; api = the call the figures wait for)")
print(f"{'page':12} {'DOMContentLoaded':>18} {'load':>12} {'first figures':>15} {'api call':>12}")
for page, rows in data.items():
    def cell(key):
        xs = [r[key] for r in rows]
        return f"{statistics.median(xs):6.0f} / {max(xs):4.0f}"
    print(f"{page:12} {cell('dom_content_loaded_ms'):>18} {cell('load_ms'):>12} {cell('first_data_ms'):>15} {cell('api_ms'):>12}")
print("(each cell: median / worst)")
PY
