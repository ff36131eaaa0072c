#!/usr/bin/env bash
# Tokenizer throughput on one core (TokenizerBench): the validator's tiktoken encodings beside jtokkit, the
# engine's chunked llama2.c encoding beside its whole-text encoding, on the chat file's message texts and on
# the repository's own varied text; then every text's ids checked against the reference.
#
#   bench/run-tokenizer-bench.sh                     # the 64 MiB chat file, 3 rounds
#   SIZE_MB=1024 ROUNDS=1 bench/run-tokenizer-bench.sh
#
# Environment: SIZE_MB (64), ROUNDS (3), VERIFY (verify|noverify), MVN_FLAGS (-o; add -Dmaven.repo.local=... to
# build against your own local repository).
set -euo pipefail

root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
source bench/bench-lib.sh
data=$(chat_file "${SIZE_MB:-64}")

cp=$(bench_classpath TokenizerBench)
mkdir -p bench/results
out="bench/results/tokenizers-$(date +%Y-%m-%d-%H%M).txt"
{
  echo "# commit $(git rev-parse --short HEAD 2>/dev/null || echo unknown)"
  java -Xmx2g -cp "$cp" dev.refinery.bench.TokenizerBench "$data" . "${ROUNDS:-3}" "${VERIFY:-verify}"
} 2>&1 | tee "$out"
echo "written to $out" >&2
