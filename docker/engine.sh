#!/usr/bin/env bash
# A Docker engine for VxDB's images: uses the one DOCKER_HOST (or /var/run/docker.sock) points at
# when it answers, else starts Debian's dockerd (package docker.io) on /var/run/docker.sock (so a
# plain `docker` or `docker-compose` finds it) with its own data root under the cache directory
# (ops/cache-dir.sh), so images and build layers outlive a clone. No iptables, no bridge:
# containers use the host network (`--network host`).
#   docker/engine.sh start    make sure an engine answers; prints `export DOCKER_HOST=...`
#   docker/engine.sh stop     stop the engine this script started (an engine it found is left alone)
#   docker/engine.sh status   exit 0 when an engine answers, else print why not and exit 1
# Storage driver overlay2, falling back to vfs when the kernel or filesystem refuses overlay.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# shellcheck source=ops/cache-dir.sh
source "$ROOT/ops/cache-dir.sh"

RUN_DIR=/run/vxdb-docker
OWN_SOCKET=/var/run/docker.sock
OWN_HOST="unix://$OWN_SOCKET"
DATA_ROOT="$VXDB_CACHE_DIR/docker"
LOG="$VXDB_CACHE_DIR/dockerd.log"
DOCKER="$(command -v /usr/bin/docker || command -v docker || true)"

answers() {
  [[ -n "$DOCKER" ]] && DOCKER_HOST="$1" timeout 10 "$DOCKER" version --format '{{.Server.Version}}' >/dev/null 2>&1
}

# Prints the host of an engine that answers, or nothing.
find_engine() {
  local h
  for h in "${DOCKER_HOST:-}" "$OWN_HOST"; do
    [[ -n "$h" ]] && answers "$h" && { echo "$h"; return 0; }
  done
  return 1
}

start_own() {
  local driver="$1" pid n
  mkdir -p "$RUN_DIR" "$DATA_ROOT"
  # A dockerd that died leaves its socket and pid file behind (nothing answers on them: checked).
  rm -f "$OWN_SOCKET" "$RUN_DIR/dockerd.pid"
  echo "engine: starting dockerd (data root $DATA_ROOT, storage driver $driver, log $LOG)" >&2
  setsid dockerd --host "$OWN_HOST" --data-root "$DATA_ROOT" --exec-root "$RUN_DIR/exec" \
    --pidfile "$RUN_DIR/dockerd.pid" --iptables=false --ip6tables=false --bridge=none \
    --storage-driver "$driver" >>"$LOG" 2>&1 </dev/null &
  pid=$!
  for n in $(seq 1 150); do
    if answers "$OWN_HOST"; then
      echo "$pid" >"$RUN_DIR/started-by-vxdb"
      return 0
    fi
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.2
  done
  kill "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
  return 1
}

# Why no engine can be had here, or nothing when one can.
why_not() {
  [[ -n "$DOCKER" ]] || { echo "no docker client (install docker.io: ops/install-deps.sh --containers)"; return; }
  command -v dockerd >/dev/null 2>&1 || { echo "no engine answers and dockerd is not installed (ops/install-deps.sh --containers)"; return; }
  [[ $(id -u) -eq 0 ]] || { echo "no engine answers and starting dockerd needs root"; return; }
}

case "${1:-}" in
  start)
    if host="$(find_engine)"; then
      echo "export DOCKER_HOST=$host"
      exit 0
    fi
    reason="$(why_not)"
    [[ -z "$reason" ]] || { echo "engine: $reason" >&2; exit 1; }
    if start_own overlay2 || start_own vfs; then
      echo "engine: dockerd $(DOCKER_HOST=$OWN_HOST "$DOCKER" version --format '{{.Server.Version}}') answers on $OWN_HOST" >&2
      echo "export DOCKER_HOST=$OWN_HOST"
      exit 0
    fi
    echo "engine: dockerd did not start; last lines of $LOG:" >&2
    tail -15 "$LOG" >&2
    exit 1
    ;;
  stop)
    if [[ -f "$RUN_DIR/started-by-vxdb" ]]; then
      pid="$(cat "$RUN_DIR/dockerd.pid" 2>/dev/null || cat "$RUN_DIR/started-by-vxdb")"
      kill -TERM "$pid" 2>/dev/null || true
      for _ in $(seq 1 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.2; done
      rm -f "$RUN_DIR/started-by-vxdb"
      echo "engine: stopped dockerd $pid" >&2
    fi
    ;;
  status)
    if host="$(find_engine)"; then echo "engine: answers on $host"; exit 0; fi
    reason="$(why_not)"
    echo "engine: none answers${reason:+; $reason}"
    exit 1
    ;;
  *)
    echo "usage: docker/engine.sh start|stop|status" >&2
    exit 2
    ;;
esac
