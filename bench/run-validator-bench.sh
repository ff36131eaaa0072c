#!/usr/bin/env bash
# The dataset validator's throughput (ValidatorBench) beside the tokenizer library alone (TokenBench) on
# the issue's file: shared/bench/make_chat_jsonl.py OUT SIZE --no-extra-fields (passes Together's checker
# end to end), 2 threads, -Xmx256m. Keeps a copy in bench/results/validator-<date>.txt.
#
#   bench/run-validator-bench.sh                 # 1 GiB file (generated once into $TMPDIR, ~1 minute)
#   SIZE_MB=64 RUNS=3 bench/run-validator-bench.sh
#
# Environment: SIZE_MB (1024), RUNS (timed runs per row after one warm-up, 2), THREADS (2), HEAP (256m),
# TOKENIZER (tiktoken:cl100k_base), MVN_FLAGS (-o).
set -euo pipefail

root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
source bench/bench-lib.sh
data=$(chat_file "${SIZE_MB:-1024}")

cp=$(bench_classpath ValidatorBench)
mkdir -p bench/results
out="bench/results/validator-$(date +%Y-%m-%d-%H%M).txt"
{
  echo "# commit $(git rev-parse --short HEAD 2>/dev/null || echo unknown); $(nproc) cpus; $(java -version 2>&1 | head -1)"
  java -Xmx"${HEAP:-256m}" -cp "$cp" dev.refinery.bench.ValidatorBench "$data" "${RUNS:-2}" "${THREADS:-2}" all "${TOKENIZER:-tiktoken:cl100k_base}"
  echo
  java -Xmx"${HEAP:-256m}" -cp "$cp" dev.refinery.bench.TokenBench "$data" "${THREADS:-2}" models
} 2>&1 | tee "$out"
echo "written to $out" >&2
