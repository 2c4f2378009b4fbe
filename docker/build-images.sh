#!/usr/bin/env bash
# Builds VxDB's images the same way everywhere (a laptop, CI): installs what is missing
# (ops/install-deps.sh --containers), starts a Docker engine if none
# answers (docker/engine.sh), makes the Debian base image locally (mmdebstrap; no registry), a
# jlinked JDK 25 runtime, the AVX2 FAISS (ops/faiss-avx2.sh), the jars (Maven, when stale), then
# the images of docker/Dockerfile, and prints their sizes:
#   vxdb/faiss-toolchain:dev  compiler, cmake and FAISS 1.7.3 built with AVX2 from Debian's source
#   vxdb/node:dev             storage node: jlinked JRE, jar, both FAISS JNI libraries (SSE, AVX2)
#   vxdb/coordinator:dev      coordinator: jlinked JRE and jar
# Everything slow is cached outside the clone (ops/cache-dir.sh: base image tarball, runtime,
# FAISS, the engine's layers), so a second run takes seconds.
#   docker/build-images.sh [--tag TAG]
# VXDB_MAVEN_ARGS adds arguments to the Maven call (e.g. -o, -Dmaven.repo.local=...).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
# shellcheck source=ops/cache-dir.sh
source ops/cache-dir.sh
# shellcheck source=ops/find-jdk.sh
source ops/find-jdk.sh

TAG=dev
while [[ $# -gt 0 ]]; do
  case "$1" in
    --tag) TAG="$2"; shift 2 ;;
    *) echo "build-images: unknown argument '$1' (usage: docker/build-images.sh [--tag TAG])" >&2; exit 2 ;;
  esac
done

BASE=vxdb/debian:bookworm
SUITE=bookworm
# What the servers use of the JDK (jdeps --print-module-deps over both classpaths, plus java.xml
# for logback's configuration and jdk.crypto.cryptoki-free TLS from java.base).
MODULES=java.base,java.compiler,java.desktop,java.logging,java.management,java.naming,java.net.http,java.sql,java.xml,jdk.httpserver,jdk.incubator.vector,jdk.jfr,jdk.management,jdk.naming.dns,jdk.unsupported
STAGE="$ROOT/docker/.build"
T0=$SECONDS
step() { echo "build-images: [$((SECONDS - T0)) s] $*" >&2; }

# What the build needs (Docker, compose, mmdebstrap, FAISS headers, a compiler), installed when missing.
if ! ops/install-deps.sh --check --containers >/dev/null 2>&1; then
  step "installing what is missing (ops/install-deps.sh --containers)"
  ops/install-deps.sh --containers
fi
eval "$(docker/engine.sh start)"
export DOCKER_HOST
DOCKER="$(command -v /usr/bin/docker || command -v docker)"
export DOCKER_BUILDKIT=1

# 1. The base image: Debian minbase made here, imported once into the engine.
if ! "$DOCKER" image inspect "$BASE" >/dev/null 2>&1; then
  tar="$VXDB_CACHE_DIR/images/debian-$SUITE-minbase.tar"
  if [[ ! -s "$tar" ]]; then
    step "making the base image with mmdebstrap ($tar)"
    mkdir -p "$(dirname "$tar")"
    nice -n 10 mmdebstrap --variant=minbase --quiet --hook-dir=/usr/share/mmdebstrap/hooks/merged-usr \
      --aptopt='Acquire::Languages "none"' \
      --dpkgopt='path-exclude=/usr/share/doc/*' --dpkgopt='path-exclude=/usr/share/man/*' \
      --dpkgopt='path-exclude=/usr/share/locale/*' --dpkgopt='path-exclude=/usr/share/info/*' \
      "$SUITE" "${tar%.tar}.tmp.tar" http://deb.debian.org/debian >"$VXDB_CACHE_DIR/mmdebstrap.log" 2>&1 \
      || { tail -20 "$VXDB_CACHE_DIR/mmdebstrap.log" >&2; exit 1; }
    mv "${tar%.tar}.tmp.tar" "$tar"
  fi
  step "importing $tar as $BASE"
  "$DOCKER" import --change 'CMD ["bash"]' --change 'ENV LANG=C.UTF-8' "$tar" "$BASE" >/dev/null
fi

# 2. A JDK 25 runtime with only the modules the servers use.
JDK="$(vxdb_find_jdk25)"
key="$( (cat "$JDK/release"; echo "$MODULES") | sha256sum | cut -c1-12)"
jre="$VXDB_CACHE_DIR/jre-25-$key"
if [[ ! -x "$jre/bin/java" ]]; then
  step "jlink: $MODULES"
  rm -rf "$jre.tmp"
  "$JDK/bin/jlink" --add-modules "$MODULES" --strip-debug --no-man-pages --no-header-files \
    --compress=zip-6 --output "$jre.tmp"
  mv "$jre.tmp" "$jre"
fi

# 3. FAISS with AVX2 (once per machine), so the native-bridge jar carries both JNI libraries.
faiss="$(ops/faiss-avx2.sh)"

# 4. The jars, rebuilt when a source is newer than them or the AVX2 library is missing from them.
node_jar=storage-node/target/vxdb-storage-node-0.1.0-SNAPSHOT.jar
coord_jar=coordinator/target/vxdb-coordinator-0.1.0-SNAPSHOT.jar
stale() {
  local jar
  for jar in "$node_jar" "$coord_jar"; do
    [[ -f "$jar" ]] || return 0
    [[ -z "$(find proto native-bridge service-common storage-node coordinator \
      \( -name target -prune \) -o \( -name '*.java' -o -name pom.xml -o -name '*.h' -o -name '*.proto' \
      -o -path '*/src/main/resources/*' -o -path '*/src/main/dashboard/*' \) -newer "$jar" -print -quit)" ]] || return 0
  done
  local nb
  nb="$(ls storage-node/target/lib/vxdb-native-bridge-*.jar 2>/dev/null | head -1)"
  [[ -n "$nb" ]] || return 0
  unzip -l "$nb" | grep -q 'linux-x86_64-avx2/libjniFaissNative.so' || return 0
  return 1
}
if stale; then
  step "building the jars (./mvnw package -DskipTests)"
  # shellcheck disable=SC2086 # VXDB_MAVEN_ARGS is a list of arguments
  JAVA_HOME="$JDK" MAVEN_OPTS="${MAVEN_OPTS:-} --sun-misc-unsafe-memory-access=allow" \
    ./mvnw -B -q ${VXDB_MAVEN_ARGS:-} package -DskipTests -Dcheckstyle.skip -pl storage-node,coordinator -am >&2
  if stale; then
    echo "build-images: the jars are still stale or lack the AVX2 JNI library after the build:" >&2
    ls -l --time-style=full-iso "$node_jar" "$coord_jar" storage-node/target/lib/vxdb-native-bridge-*.jar >&2 || true
    find proto native-bridge service-common storage-node coordinator \( -name target -prune \) -o \( -name '*.java' \
      -o -name pom.xml -o -name '*.h' -o -name '*.proto' -o -path '*/src/main/resources/*' \
      -o -path '*/src/main/dashboard/*' \) -newer "$node_jar" -print | head -5 | sed 's/^/  newer: /' >&2
    exit 1
  fi
fi

# 5. The build context: only docker/.build and two scripts (.dockerignore), hard links where possible.
step "staging the build context in docker/.build"
rm -rf "$STAGE"
mkdir -p "$STAGE/node/lib" "$STAGE/coordinator/lib" "$STAGE/faiss-cache"
cp -al "$jre" "$STAGE/jre" 2>/dev/null || cp -a "$jre" "$STAGE/jre"
cp -al "$faiss" "$STAGE/faiss-cache/" 2>/dev/null || cp -a "$faiss" "$STAGE/faiss-cache/"
cp "$node_jar" "$STAGE/node/vxdb-storage-node.jar"
cp storage-node/target/lib/*.jar "$STAGE/node/lib/"
cp "$coord_jar" "$STAGE/coordinator/vxdb-coordinator.jar"
cp coordinator/target/lib/*.jar "$STAGE/coordinator/lib/"

# 6. The images.
for target in faiss-toolchain node coordinator; do
  step "docker build --target $target -t vxdb/$target:$TAG"
  log="$VXDB_CACHE_DIR/build-$target.log"
  if ! "$DOCKER" build --network host --progress plain --build-arg "BASE_IMAGE=$BASE" \
      -f docker/Dockerfile --target "$target" -t "vxdb/$target:$TAG" . >"$log" 2>&1; then
    tail -30 "$log" >&2
    echo "build-images: docker build --target $target failed; full log in $log" >&2
    exit 1
  fi
done

# Images the new tags replaced would pile up in the cached data root.
"$DOCKER" image prune -f >/dev/null
step "done"
"$DOCKER" image ls --format '{{.Repository}}:{{.Tag}}\t{{.Size}}' | grep -E "^vxdb/.*:($TAG|bookworm)\b" | sort
