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
size="${SIZE_MB:-1024}"
data="${TMPDIR:-/tmp}/refinery-chat-${size}.jsonl"
generator="${CHAT_GENERATOR:-$root/../shared/bench/make_chat_jsonl.py}"
[[ -f "$generator" ]] || generator=/work/shared/bench/make_chat_jsonl.py
[[ -f "$data" ]] || python3 "$generator" "$data" "$size" --no-extra-fields

if [[ "${REBUILD:-0}" == 1 || ! -f bench/target/classpath.txt || ! -f bench/target/classes/dev/refinery/bench/ValidatorBench.class ]]; then
  ./mvnw -B -q ${MVN_FLAGS:--o} install -pl engine,catalog,datasets -DskipTests
  ./mvnw -B -q ${MVN_FLAGS:--o} package -pl bench -DskipTests
fi
# the modules' own classes first: ~/.m2 may hold another branch's build of them
cp="bench/target/classes:datasets/target/classes:catalog/target/classes:engine/target/classes:$(cat bench/target/classpath.txt)"
mkdir -p bench/results
out="bench/results/validator-$(date +%Y-%m-%d-%H%M).txt"
{
  echo "# commit $(git rev-parse --short HEAD 2>/dev/null || echo unknown); $(nproc) cpus; $(java -version 2>&1 | head -1)"
  java -Xmx"${HEAP:-256m}" -cp "$cp" dev.refinery.bench.ValidatorBench "$data" "${RUNS:-2}" "${THREADS:-2}" all "${TOKENIZER:-tiktoken:cl100k_base}"
  echo
  java -Xmx"${HEAP:-256m}" -cp "$cp" dev.refinery.bench.TokenBench "$data" "${THREADS:-2}" models
} 2>&1 | tee "$out"
echo "written to $out" >&2
