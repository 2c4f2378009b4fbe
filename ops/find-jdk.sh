#!/usr/bin/env bash
# Prints the home of a JDK 25 (or newer), or explains how to get one and fails.
# Looks at $JAVA_HOME, /usr/lib/jvm/*, then java on the PATH.

vxdb_java_major() {
  local java="$1"
  "$java" -XshowSettings:properties -version 2>&1 | awk -F'= ' '/java.specification.version/ {print $2; exit}'
}

vxdb_find_jdk25() {
  local candidate major
  for candidate in "${JAVA_HOME:-}" /usr/lib/jvm/temurin-25* /usr/lib/jvm/*-25-* /usr/lib/jvm/*25* /usr/lib/jvm/*; do
    [[ -n "$candidate" && -x "$candidate/bin/java" && -x "$candidate/bin/javac" ]] || continue
    major="$(vxdb_java_major "$candidate/bin/java")"
    if [[ "${major%%.*}" =~ ^[0-9]+$ ]] && (( ${major%%.*} >= 25 )); then
      echo "$candidate"
      return 0
    fi
  done
  if command -v javac >/dev/null 2>&1; then
    candidate="$(dirname "$(dirname "$(readlink -f "$(command -v javac)")")")"
    major="$(vxdb_java_major "$candidate/bin/java")"
    if [[ "${major%%.*}" =~ ^[0-9]+$ ]] && (( ${major%%.*} >= 25 )); then
      echo "$candidate"
      return 0
    fi
  fi
  cat >&2 <<'MSG'
vxdb: no JDK 25 found (looked at $JAVA_HOME, /usr/lib/jvm/* and javac on the PATH).
Install one, then run this again:
  - Eclipse Temurin 25 (Debian/Ubuntu): add the Adoptium apt repository
    (https://adoptium.net/installation/linux/) and `apt-get install temurin-25-jdk`
  - or unpack any JDK 25 build and `export JAVA_HOME=/path/to/jdk-25`
MSG
  return 1
}
