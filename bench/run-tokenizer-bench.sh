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
size="${SIZE_MB:-64}"
data="${TMPDIR:-/tmp}/refinery-chat-${size}.jsonl"
generator="${CHAT_GENERATOR:-$root/../shared/bench/make_chat_jsonl.py}"
[[ -f "$generator" ]] || generator=/work/shared/bench/make_chat_jsonl.py
[[ -f "$data" ]] || python3 "$generator" "$data" "$size" --no-extra-fields

if [[ "${REBUILD:-0}" == 1 || ! -f bench/target/classpath.txt || ! -f bench/target/classes/dev/refinery/bench/TokenizerBench.class ]]; then
  ./mvnw -B -q ${MVN_FLAGS:--o} install -pl engine,catalog,datasets -DskipTests
  ./mvnw -B -q ${MVN_FLAGS:--o} package -pl bench -DskipTests
fi
cp="bench/target/classes:datasets/target/classes:catalog/target/classes:engine/target/classes:$(cat bench/target/classpath.txt)"
mkdir -p bench/results
out="bench/results/tokenizers-$(date +%Y-%m-%d-%H%M).txt"
{
  echo "# commit $(git rev-parse --short HEAD 2>/dev/null || echo unknown)"
  java -Xmx2g -cp "$cp" dev.refinery.bench.TokenizerBench "$data" . "${ROUNDS:-3}" "${VERIFY:-verify}"
} 2>&1 | tee "$out"
echo "written to $out" >&2
