#!/usr/bin/env bash
# The compose cluster test (CI runs it after docker/build-images.sh): brings up docker/compose.yaml
# (three nodes RF 2 and a coordinator from the images), runs the README's clients against it (curl
# over REST, Python grpcio over gRPC), then under a write and search load kills one node container
# (SIGKILL) and checks that every search still answers in full; restarts the container, checks it
# serves its data (another node is killed so some ranges have only the restarted node), and tears
# the cluster down with its volumes. Prints the cluster's start-up time.
#   docker/compose-test.sh [--keep]    --keep leaves the cluster running (then: docker-compose ... down -v)
# Exits 0 and prints "compose-test: N passed, 0 failed" when every check passed.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
KEEP=0
[[ "${1:-}" == --keep ]] && KEEP=1

eval "$(docker/engine.sh start)"
export DOCKER_HOST
DOCKER="$(command -v /usr/bin/docker || command -v docker)"
export VXDB_TAG="${VXDB_TAG:-dev}"
PROJECT="${VXDB_COMPOSE_PROJECT:-vxdbtest}"
COMPOSE=(docker-compose -f docker/compose.yaml -p "$PROJECT")
URL=http://127.0.0.1:7410
WORK="$(mktemp -d)"
PASSED=0
T0=$SECONDS

say() { echo "compose-test: [$((SECONDS - T0)) s] $*" >&2; }
pass() { PASSED=$((PASSED + 1)); say "ok: $*"; }
fail() {
  say "FAILED: $*"
  for s in node-1 node-2 node-3 coordinator; do
    echo "--- last log lines of $s" >&2
    "${COMPOSE[@]}" logs --no-color --tail 15 "$s" >&2 2>&1 || true
  done
  echo "compose-test: $PASSED passed, 1 failed" >&2
  exit 1
}
cleanup() {
  if ((KEEP)); then say "left running (${COMPOSE[*]} down -v)"; else "${COMPOSE[@]}" down -v >/dev/null 2>&1 || true; fi
  rm -rf "$WORK"
}
trap cleanup EXIT

for image in "vxdb/node:$VXDB_TAG" "vxdb/coordinator:$VXDB_TAG"; do
  "$DOCKER" image inspect "$image" >/dev/null 2>&1 || { echo "compose-test: no image $image: run docker/build-images.sh" >&2; exit 1; }
done
for port in 7400 7401 7402 7403 7410 7411 7480 7481 7482 7483; do
  if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
    echo "compose-test: port $port is in use (another compose cluster? ${COMPOSE[*]} down -v)" >&2; exit 1
  fi
done

ready() { curl -fsS -o /dev/null --max-time 2 "http://127.0.0.1:$1/readyz" 2>/dev/null; }
wait_ready() {
  local port="$1" what="$2" n
  for n in $(seq 1 600); do ready "$port" && return 0; sleep 0.2; done
  fail "$what did not become ready on :$port within 120 s"
}
container() { "${COMPOSE[@]}" ps -q "$1"; }
docker_log() { "$DOCKER" logs "$(container "$1")" 2>&1; }

# 1. Up, timed from `up` to a ready coordinator.
"${COMPOSE[@]}" down -v >/dev/null 2>&1 || true
start=$(date +%s.%N)
"${COMPOSE[@]}" up -d >"$WORK/up.log" 2>&1 || { cat "$WORK/up.log" >&2; fail "docker-compose up"; }
wait_ready 7480 coordinator
startup="$(echo "$(date +%s.%N) - $start" | bc)"
say "compose cluster ready in ${startup} s (3 nodes and a coordinator, from docker-compose up)"
# Every node loaded FAISS, the AVX2 library where the CPU has AVX2 (FaissVariant's rule).
want=generic
grep -qw avx2 /proc/cpuinfo && grep -qw fma /proc/cpuinfo && grep -qw f16c /proc/cpuinfo && want=avx2
for port in 7481 7482 7483; do
  info="$(curl -s http://127.0.0.1:$port/metrics | grep '^vxdb_index_provider_info' || true)"
  [[ "$info" == "vxdb_index_provider_info{faiss_variant=\"$want\",provider=\"faiss\"} 1" ]] \
    || fail "node on :$port reports '$info', not FAISS variant $want"
done
pass "cluster up; every node runs FAISS, variant $want: $(docker_log node-1 | grep -o 'FAISS library variant: [^"]*' | head -1)"

# 2. The README's clients: REST with curl, then gRPC with Python grpcio.
curl -fsS -X POST $URL/v1/collections -H 'Content-Type: application/json' \
  -d '{"name":"docs","dimension":3,"metric":"l2"}' >/dev/null || fail "REST create collection"
curl -fsS -X PUT $URL/v1/collections/docs/vectors -H 'Content-Type: application/json' \
  -d '{"vectors":[{"id":1,"values":[0,0,1],"metadata":{"lang":"en"}},{"id":2,"values":[1,0,0]}]}' >/dev/null \
  || fail "REST upsert"
got="$(curl -fsS -X POST $URL/v1/collections/docs/search -H 'Content-Type: application/json' \
  -d '{"vector":[0,0,0.9],"k":2,"include_metadata":true}')" || fail "REST search"
[[ "$got" == '{"hits":[{"id":"1","distance":0.010000004,'*'"metadata":{"lang":"en"}},{"id":"2","distance":1.81,'* ]] \
  || fail "REST search answered $got"
pass "README REST client (curl): $got"

if /usr/bin/python3 -c 'import grpc, grpc_tools' 2>/dev/null; then
  mkdir -p "$WORK/vx"
  /usr/bin/python3 -m grpc_tools.protoc -I proto/src/main/protobuf --python_out="$WORK/vx" \
    --grpc_python_out="$WORK/vx" vxdb/v1/vxdb.proto
  touch "$WORK/vx/vxdb/__init__.py" "$WORK/vx/vxdb/v1/__init__.py"
  out="$(PYTHONPATH="$WORK/vx" /usr/bin/python3 - <<'PY'
import grpc
from vxdb.v1 import vxdb_pb2 as pb, vxdb_pb2_grpc as rpc
ch = grpc.insecure_channel("127.0.0.1:7400")
rpc.CollectionServiceStub(ch).CreateCollection(pb.CreateCollectionRequest(
    spec=pb.CollectionSpec(name="grpcdocs", dimension=3, metric=pb.L2)))
v = rpc.VectorServiceStub(ch)
v.Upsert(pb.WriteRequest(collection="grpcdocs", vectors=[
    pb.Vector(id=1, values=[0, 0, 1], metadata={"lang": pb.Value(string_value="en")}),
    pb.Vector(id=2, values=[1, 0, 0])]))
r = v.Search(pb.SearchRequest(collection="grpcdocs", query=[0, 0, 0.9], k=2, include_metadata=True))
print(",".join(str(h.id) for h in r.hits))
PY
)" || fail "README gRPC client (Python grpcio)"
  [[ "$out" == "1,2" ]] || fail "README gRPC client found ids $out, not 1,2"
  pass "README gRPC client (Python grpcio): ids $out"
else
  say "README gRPC client skipped: Python grpcio and grpc_tools are missing (ops/install-deps.sh --test installs them)"
fi

# 3. Load, and SIGKILL node-2 in the middle of it: every search must answer in full (RF 2).
COUNT=3000
/usr/bin/python3 docker/compose_load.py seed $URL load $COUNT >&2 || fail "seeding $COUNT vectors"
/usr/bin/python3 docker/compose_load.py load $URL load $COUNT "$WORK/stop" >"$WORK/load.json" &
loader=$!
sleep 2
"$DOCKER" kill "$(container node-2)" >/dev/null
say "killed node-2 (SIGKILL) under load"
sleep 5
touch "$WORK/stop"
wait "$loader" || fail "the load generator failed"
stats="$(cat "$WORK/load.json")"
/usr/bin/python3 - "$stats" <<'PY' || fail "searches failed while node-2 was down: $stats"
import json, sys
s = json.loads(sys.argv[1])
sys.exit(0 if s["searches"] > 0 and s["searches_failed"] == 0 and s["searches_partial"] == 0 else 1)
PY
pass "searches answered in full through the kill: $stats"

# 4. Restart node-2; it serves what it held: with node-1 killed too, clusters 0-3 live on node-2 only.
"${COMPOSE[@]}" start node-2 >/dev/null 2>&1 || fail "docker-compose start node-2"
wait_ready 7482 node-2
held="$(curl -s http://127.0.0.1:7482/metrics | awk '/^vxdb_vectors /{print $2}')"
[[ -n "$held" && "${held%.*}" -gt 0 ]] || fail "restarted node-2 reports vxdb_vectors '$held'"
pass "node-2 restarted from its volume holding $held vectors"
# The coordinator's breaker for node-2 opened at the kill; writes (to every replica) probe it
# closed again once breaker_open_for (5 s) has passed. Searches skip an open breaker's node.
closed=
for n in $(seq 1 120); do
  curl -s -o /dev/null -X PUT $URL/v1/collections/docs/vectors -H 'Content-Type: application/json' \
    -d '{"vectors":[{"id":7,"values":[0,1,1]},{"id":8,"values":[1,1,1]},{"id":9,"values":[2,1,1]}]}' || true
  if curl -s http://127.0.0.1:7480/metrics | grep -q '^vxdb_coordinator_breaker_state{node="node-2"} 0'; then
    closed=1; break
  fi
  sleep 0.5
done
[[ -n "$closed" ]] || fail "the coordinator's breaker for node-2 did not close within 60 s"
pass "the coordinator calls node-2 again (breaker closed)"
"$DOCKER" kill "$(container node-1)" >/dev/null
say "killed node-1: ranges 0-3 now have node-2 only"
for n in $(seq 1 50); do ready 7481 || break; sleep 0.1; done
result="$(/usr/bin/python3 docker/compose_load.py verify $URL load $COUNT 10)" \
  || fail "vectors written before the kill are missing: $result"
pass "every sampled vector found with node-1 down (node-2 serves its data): $result"
"${COMPOSE[@]}" start node-1 >/dev/null 2>&1 || fail "docker-compose start node-1"
wait_ready 7481 node-1
pass "node-1 back"

echo "compose-test: startup_seconds=$startup"
echo "compose-test: $PASSED passed, 0 failed"
