#!/usr/bin/env bash
# eval-service's inference client (InferenceBench) against a local chat-completions stand-in with a fixed latency:
# one call for all prompts at 1, 8 and 32 requests in flight, the speed-up over one at a time, and a row with 429s
# that checks no answer is lost or doubled. Keeps a copy in bench/results/inference-<date>.txt. Builds when its
# classes are missing (REBUILD=1 to force). The one-at-a-time row alone takes prompts x latency (40 s by default).
#
#   bench/run-inference-bench.sh                     # 200 prompts, 200 ms
#   PROMPTS=400 LATENCY_MS=100 bench/run-inference-bench.sh
#
# Environment: PROMPTS (200), LATENCY_MS (200), MVN_FLAGS (default -o; add -Dmaven.repo.local=... to keep a repository apart).
set -euo pipefail

root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
if [[ "${REBUILD:-0}" == 1 || ! -f bench/target/classpath.txt || ! -f bench/target/classes/dev/refinery/bench/InferenceBench.class ]]; then
  echo "building (eval-service and what it needs, then bench)" >&2
  ./mvnw -B -q ${MVN_FLAGS:--o} install -pl eval-service -am -DskipTests >&2
  ./mvnw -B -q ${MVN_FLAGS:--o} package -pl bench -DskipTests >&2
fi
cp="bench/target/classes:eval-service/target/classes:$(cat bench/target/classpath.txt)"
mkdir -p bench/results
out="bench/results/inference-$(date +%Y-%m-%d-%H%M).txt"
{
  echo "# commit $(git rev-parse --short HEAD 2>/dev/null || echo unknown)$(git diff --quiet 2>/dev/null || echo ' (with local changes)'); load average at start: $(cut -d' ' -f1-3 /proc/loadavg)"
  java -Xmx256m -cp "$cp" dev.refinery.bench.InferenceBench "${PROMPTS:-200}" "${LATENCY_MS:-200}"
} 2>&1 | tee "$out"
echo "written to $out" >&2
