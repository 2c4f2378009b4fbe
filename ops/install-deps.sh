#!/usr/bin/env bash
# Installs what VxDB needs from Debian/Ubuntu packages; safe to run again (installs only what is
# missing). FAISS comes from libfaiss-dev (static libfaiss.a + headers), linked with OpenMP and
# OpenBLAS into our JNI library at build time. openssl makes development certificates (ops/security/dev-certs.sh).
# Node and npm install the dashboard's chart library when the coordinator is built (docs/dashboard.md).
#   ops/install-deps.sh                 install what is missing (root, or sudo)
#   ops/install-deps.sh --check         only report; exit 1 when something is missing
#   ops/install-deps.sh --test [--check]  also the tools the test suite drives: Python grpcio and
#                                       grpc_tools (a client we did not write), promtool (metrics lint, alert rules), jq (the runbooks' commands),
#                                       redis-cli and python3-redis, the npm clients of ops/test-clients
#                                       (ioredis, ws, wscat, playwright-core) and Chromium, which
#                                       playwright-core drives through the dashboard; and what --containers
#                                       and --faiss-avx2 bring, which CI's container part needs
#   ops/install-deps.sh --containers    Docker engine and compose (Debian docker.io, docker-compose),
#                                       mmdebstrap for the base image (docs/containers.md)
#   ops/install-deps.sh --faiss-avx2    also build FAISS with AVX2 from Debian's source package, once,
#                                       into a cache outside the clone (ops/faiss-avx2.sh)
set -euo pipefail

PACKAGES=(libfaiss-dev libopenblas-dev libgomp1 g++ make unzip curl ca-certificates openssl)
TEST_PACKAGES=(python3 python3-grpcio python3-grpc-tools prometheus redis-tools python3-redis chromium jq)
CONTAINER_PACKAGES=(docker.io docker-compose mmdebstrap)
TEST=0
FAISS_AVX2=0
# Node and npm from wherever they come (Debian's packages, or NodeSource's nodejs, which has npm).
command -v npm >/dev/null 2>&1 || PACKAGES+=(nodejs npm)

CHECK=0
for arg in "$@"; do
  case "$arg" in
    --check) CHECK=1 ;;
    --test) PACKAGES+=("${TEST_PACKAGES[@]}" "${CONTAINER_PACKAGES[@]}"); TEST=1; FAISS_AVX2=1 ;;
    --containers) PACKAGES+=("${CONTAINER_PACKAGES[@]}") ;;
    --faiss-avx2) FAISS_AVX2=1 ;;
    *) echo "install-deps: unknown argument '$arg' (use --check, --test, --containers, --faiss-avx2)" >&2; exit 2 ;;
  esac
done

missing=()
for p in "${PACKAGES[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed'; then
    missing+=("$p")
  fi
done

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# shellcheck source=ops/find-jdk.sh
source "$ROOT/ops/find-jdk.sh"

# The npm clients the tests drive, pinned by ops/test-clients/package-lock.json.
npm_clients_missing() {
  ((TEST)) || return 1
  local m
  for m in ioredis ws wscat playwright-core; do
    [[ -d "$ROOT/ops/test-clients/node_modules/$m" ]] || return 0
  done
  return 1
}

if ((CHECK)); then
  status=0
  if ((${#missing[@]})); then echo "missing packages: ${missing[*]}"; status=1; fi
  if npm_clients_missing; then echo "missing npm clients in ops/test-clients"; status=1; fi
  vxdb_find_jdk25 >/dev/null || status=1
  if ((FAISS_AVX2)) && ! "$ROOT/ops/faiss-avx2.sh" --print >/dev/null 2>&1; then
    echo "missing the AVX2 FAISS build (ops/faiss-avx2.sh)"; status=1
  fi
  exit $status
fi

if ((${#missing[@]})); then
  if ! command -v apt-get >/dev/null 2>&1; then
    echo "install-deps: apt-get not found; install these packages by hand: ${missing[*]}" >&2
    exit 1
  fi
  SUDO=()
  if [[ $(id -u) -ne 0 ]]; then
    command -v sudo >/dev/null 2>&1 || { echo "install-deps: run as root (or install sudo) to install: ${missing[*]}" >&2; exit 1; }
    SUDO=(sudo)
  fi
  echo "install-deps: installing ${missing[*]}" >&2
  "${SUDO[@]}" apt-get update -qq
  DEBIAN_FRONTEND=noninteractive "${SUDO[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
else
  echo "install-deps: native packages present" >&2
fi

if npm_clients_missing; then
  echo "install-deps: installing the npm test clients (ops/test-clients)" >&2
  (cd "$ROOT/ops/test-clients" && npm ci --no-audit --no-fund --loglevel=error >/dev/null)
fi

if ((FAISS_AVX2)); then
  "$ROOT/ops/faiss-avx2.sh" >/dev/null
fi

JDK="$(vxdb_find_jdk25)" || exit 1
echo "install-deps: JDK 25 at $JDK" >&2
