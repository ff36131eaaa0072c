#!/usr/bin/env bash
# Token-counting throughput (TokenBench) and the estimate's measured error (TokenEstimateCalibration) on a
# synthetic chat file, keeping a copy in bench/results/tokens-<date>.txt. Builds when classes are missing
# (REBUILD=1 to force).
#
#   bench/run-token-bench.sh            # 64 MiB file, 2 threads, -Xmx256m
#   SIZE_MB=1024 bench/run-token-bench.sh
#
# Environment: SIZE_MB (default 64), THREADS (default 2), HEAP (default 256m), MVN_FLAGS (default -o).
set -euo pipefail

root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
source bench/bench-lib.sh
data=$(chat_file "${SIZE_MB:-64}")

cp=$(bench_classpath TokenBench)
mkdir -p bench/results
out="bench/results/tokens-$(date +%Y-%m-%d-%H%M).txt"
{
  echo "# commit $(git rev-parse --short HEAD 2>/dev/null || echo unknown); $(nproc) cpus; $(java -version 2>&1 | head -1)"
  java -Xmx"${HEAP:-256m}" -cp "$cp" dev.refinery.bench.TokenBench "$data" "${THREADS:-2}" models
  echo
  java -Xmx"${HEAP:-256m}" -cp "$cp" dev.refinery.bench.TokenEstimateCalibration "$data" . 3000
} 2>&1 | tee "$out"
echo "written to $out" >&2
