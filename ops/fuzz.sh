#!/usr/bin/env bash
# Fuzzes the parsers for longer than CI does (docs/security.md, "Fuzzing").
#   ops/fuzz.sh [SECONDS] [TESTS]
#     SECONDS  how long each fuzz test runs (default 600; CI runs 15)
#     TESTS    which fuzz test classes (surefire pattern, default every *FuzzTest),
#              e.g. RespCommandFuzzTest or 'Rest*FuzzTest,WebSocket*'
# Each fuzz test runs in its own JVM, one after another. What a run learns (the generated corpus)
# stays in <module>/.cifuzz-corpus/ (git-ignored) and seeds the next run; a finding fails its test
# and is written as crash-<sha1> next to that test's committed corpus, where the next plain test run
# (./vxdb test, or -Dtest=<TheFuzzTest>) replays it.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

seconds="${1:-600}"
tests="${2:-*FuzzTest}"
[[ "$seconds" =~ ^[0-9]+$ && "$seconds" -gt 0 ]] || { echo "ops/fuzz.sh: SECONDS must be a positive integer, got '$seconds'" >&2; exit 2; }

# shellcheck source=ops/find-jdk.sh
source "$ROOT/ops/find-jdk.sh"
JAVA_HOME="$(vxdb_find_jdk25)" || exit 1
export JAVA_HOME

# Unit tests (-Dtest=NONE) and integration tests (-DskipITs) are left out: only the surefire
# execution "fuzz" runs, in the modules that have fuzz tests, with everything they need built.
exec "$ROOT/mvnw" -B verify -pl service-common,storage-node,coordinator -am \
  -Dtest=NONE -Dsurefire.failIfNoSpecifiedTests=false -DskipITs \
  -Dvxdb.fuzz.seconds="$seconds" -Dvxdb.fuzz.tests="$tests"
