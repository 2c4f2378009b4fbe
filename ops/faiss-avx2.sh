#!/usr/bin/env bash
# Builds FAISS with AVX2 from Debian's own `faiss` source package (the same 1.7.3 and patches as
# the libfaiss-dev the JNI library links by default, which targets SSE only), once, into a cache
# outside the clone:
#   $VXDB_CACHE_DIR/faiss-<version>-avx2/lib/libfaiss.a   (static, position independent)
#   $VXDB_CACHE_DIR/faiss-<version>-avx2/BUILD-INFO       (source version, options, compiler)
# VXDB_CACHE_DIR defaults to /var/cache/vxdb for root, else ~/.cache/vxdb (ops/cache-dir.sh).
# A later run with a complete cache does nothing. The native-bridge build links a second JNI
# library against it when it is there (docs/containers.md, "FAISS variants").
#   ops/faiss-avx2.sh            build unless cached; prints the cache directory
#   ops/faiss-avx2.sh --print    only print the directory it uses (exit 1 if not built yet)
# Compiles with `nice -n 15` and VXDB_FAISS_JOBS jobs (default 2).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# shellcheck source=ops/cache-dir.sh
source "$ROOT/ops/cache-dir.sh"

PRINT=0
case "${1:-}" in
  --print) PRINT=1 ;;
  "") ;;
  *) echo "faiss-avx2: unknown argument '$1' (use --print)" >&2; exit 2 ;;
esac

# What the build needs: the same FAISS headers and version as the JNI library's, a compiler, cmake.
need=()
((PRINT)) || for p in libfaiss-dev g++ make cmake dpkg-dev libopenblas-dev liblapack-dev; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || need+=("$p")
done
if ((${#need[@]})); then
  echo "faiss-avx2: installing ${need[*]}" >&2
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fi

VERSION="$(dpkg-query -W -f='${source:Upstream-Version}' libfaiss-dev 2>/dev/null || true)"
[[ -n "$VERSION" ]] || { echo "faiss-avx2: libfaiss-dev is not installed (run ops/install-deps.sh)" >&2; exit 1; }
OUT="$VXDB_CACHE_DIR/faiss-$VERSION-avx2"

if ((PRINT)); then
  echo "$OUT"
  [[ -f "$OUT/BUILD-INFO" ]]
  exit
fi
if [[ -f "$OUT/BUILD-INFO" && -f "$OUT/lib/libfaiss.a" ]]; then
  echo "faiss-avx2: cached in $OUT" >&2
  echo "$OUT"
  exit 0
fi

# `apt-get source` needs a deb-src line; add one for the same mirror and suite as the binaries.
if ! apt-get source --print-uris -qq faiss >/dev/null 2>&1; then
  src=/etc/apt/sources.list.d/vxdb-deb-src.sources
  echo "faiss-avx2: adding Debian source lines ($src)" >&2
  suite="$(. /etc/os-release && echo "$VERSION_CODENAME")"
  printf 'Types: deb-src\nURIs: http://deb.debian.org/debian\nSuites: %s\nComponents: main\n%s\n' \
    "$suite" "Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg" >"$src"
  apt-get update -qq
fi

work="$VXDB_CACHE_DIR/faiss-$VERSION-avx2.work"
rm -rf "$work"
mkdir -p "$work"
cd "$work"
echo "faiss-avx2: fetching Debian's faiss source package" >&2
apt-get source -qq --download-only "faiss=$(dpkg-query -W -f='${source:Version}' libfaiss-dev)" >/dev/null
dpkg-source -x --no-check ./*.dsc src >/dev/null
srcver="$(basename ./*.dsc .dsc)"

jobs="${VXDB_FAISS_JOBS:-2}"
echo "faiss-avx2: compiling $srcver with -DFAISS_OPT_LEVEL=avx2 (nice -n 15, -j$jobs; 2-4 min on 2 cores)" >&2
start=$SECONDS
nice -n 15 cmake -S src -B build -DCMAKE_BUILD_TYPE=Release -DFAISS_OPT_LEVEL=avx2 \
  -DFAISS_ENABLE_GPU=OFF -DFAISS_ENABLE_PYTHON=OFF -DFAISS_ENABLE_C_API=OFF -DBUILD_TESTING=OFF \
  -DBUILD_SHARED_LIBS=OFF -DCMAKE_POSITION_INDEPENDENT_CODE=ON -DBLA_VENDOR=OpenBLAS >build.log 2>&1 \
  || { tail -30 build.log >&2; exit 1; }
nice -n 15 cmake --build build --target faiss_avx2 -j "$jobs" >>build.log 2>&1 \
  || { tail -30 build.log >&2; exit 1; }

tmp="$OUT.tmp"
rm -rf "$tmp"
mkdir -p "$tmp/lib"
cp build/faiss/libfaiss_avx2.a "$tmp/lib/libfaiss.a"
{
  echo "source: $srcver (Debian source package faiss)"
  echo "options: -DFAISS_OPT_LEVEL=avx2 -DCMAKE_BUILD_TYPE=Release -DCMAKE_POSITION_INDEPENDENT_CODE=ON"
  echo "compiler: $(c++ --version | head -1)"
  echo "built: $(date -u +%Y-%m-%dT%H:%M:%SZ) in $((SECONDS - start)) s"
} >"$tmp/BUILD-INFO"
rm -rf "$OUT"
mv "$tmp" "$OUT"
cd /
rm -rf "$work"
echo "faiss-avx2: built in $((SECONDS - start)) s into $OUT" >&2
echo "$OUT"
