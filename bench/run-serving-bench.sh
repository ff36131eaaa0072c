#!/usr/bin/env bash
# The serving engine's benchmark (ServingBench, issue 13) on stories260K, keeping a copy in
# bench/results/serving-<date>.txt. It needs only the engine, so it compiles its three classes against the engine's
# classes instead of building the bench module (which pulls in every service): builds the engine when its serving
# classes are missing (REBUILD=1 to force).
#
#   bench/run-serving-bench.sh                 # about 1.5 minutes: 4 s per row
#   SECONDS_PER_ROW=10 bench/run-serving-bench.sh
#
# Environment: SECONDS_PER_ROW (default 4), HEAP (default 512m), MVN_FLAGS (default -o, e.g. add
# -Dmaven.repo.local=... to build against your own local repository).
set -euo pipefail

root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
if [[ "${REBUILD:-0}" == 1 || ! -f engine/target/classes/dev/refinery/engine/serve/ServingEngine.class || ! -f engine/target/classpath.txt ]]; then
  ./mvnw -B -q ${MVN_FLAGS:--o} -pl engine compile \
    org.apache.maven.plugins:maven-dependency-plugin:3.8.1:build-classpath -Dmdep.outputFile=target/classpath.txt -Dmdep.includeScope=runtime >&2
fi
cp="engine/target/classes:$(cat engine/target/classpath.txt)"
classes=bench/target/serving-classes
mkdir -p "$classes" bench/results
src=bench/src/main/java/dev/refinery/bench
javac --release 17 -d "$classes" -cp "$cp" "$src/ServingBench.java" "$src/Machine.java" "$src/Timer.java"

out="bench/results/serving-$(date +%Y-%m-%d-%H%M).txt"
{
  echo "# Refinery serving benchmark, $(date -u +%Y-%m-%dT%H:%M:%SZ), commit $(git rev-parse --short HEAD 2>/dev/null || echo unknown)$(git diff --quiet 2>/dev/null || echo ' (with local changes)')"
  java -Xmx"${HEAP:-512m}" --add-modules jdk.incubator.vector -Dbench.seconds="${SECONDS_PER_ROW:-4}" -cp "$classes:$cp" \
    dev.refinery.bench.ServingBench models/stories260K 2>&1 | grep -v 'Using incubator modules'
} 2>&1 | tee "$out"
echo "written to $out" >&2
