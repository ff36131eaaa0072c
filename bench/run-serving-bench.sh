#!/usr/bin/env bash
# The serving engine's benchmark (ServingBench, issue 13) on stories260K and the llama2.c 15M shape (random weights),
# then the PyTorch reference (bench/torch/generate.py: greedy decoding with a KV cache, same shapes, prompt and
# generation lengths) in the same run, keeping a copy in bench/results/serving-<date>.txt. It needs only the engine,
# so it compiles its four classes against the engine's classes instead of building the bench module (which pulls in
# every service): builds the engine when its serving classes are missing (REBUILD=1 to force).
#
#   bench/run-serving-bench.sh                 # about 5 minutes: 4 s per row on stories260K, 8 s on 15M, 3 s per torch row
#   SECONDS_PER_ROW=10 bench/run-serving-bench.sh
#   MODELS=models/stories260K TORCH=0 bench/run-serving-bench.sh   # stories260K alone, no PyTorch (the first version)
#
# Environment: SECONDS_PER_ROW (default 4; the 15M shape gets twice as long), MODELS (ServingBench's arguments: model
# directories or 15m; default "models/stories260K 15m"), TORCH (0 to skip PyTorch), TORCH_THREADS (default 2),
# TORCH_SECONDS (per row, default 3), HEAP (default 768m), MVN_FLAGS (default -o, e.g. add -Dmaven.repo.local=... to
# build against your own local repository).
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
javac --release 17 -d "$classes" -cp "$cp" "$src/ServingBench.java" "$src/BenchModels.java" "$src/Machine.java" "$src/Timer.java"
torch_models=()
for m in ${MODELS:-models/stories260K 15m}; do
  case "$m" in 15m | 15M) torch_models+=(15m) ;; *stories260K*) torch_models+=(260k) ;; esac
done

out="bench/results/serving-$(date +%Y-%m-%d-%H%M).txt"
{
  echo "# Refinery serving benchmark, $(date -u +%Y-%m-%dT%H:%M:%SZ), commit $(git rev-parse --short HEAD 2>/dev/null || echo unknown)$(git diff --quiet 2>/dev/null || echo ' (with local changes)')"
  echo "# cpu: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), family $(grep -m1 'cpu family' /proc/cpuinfo | cut -d: -f2 | xargs), $(nproc) cpus"
  echo "# load average at start: $(cat /proc/loadavg)"
  echo
  echo "# Refinery engine (ServingBench)"
  # shellcheck disable=SC2086 # MODELS is a list
  java -Xmx"${HEAP:-768m}" --add-modules jdk.incubator.vector -Dbench.seconds="${SECONDS_PER_ROW:-4}" -cp "$classes:$cp" \
    dev.refinery.bench.ServingBench ${MODELS:-models/stories260K 15m} 2>&1 | grep -v 'Using incubator modules'
  if [[ "${TORCH:-1}" != 0 && ${#torch_models[@]} -gt 0 ]]; then
    echo
    echo "# PyTorch reference (bench/torch/generate.py)"
    if /usr/bin/python3 -c 'import torch' 2>/dev/null; then
      models_csv="$(IFS=,; echo "${torch_models[*]}")"
      /usr/bin/python3 bench/torch/generate.py --threads "${TORCH_THREADS:-2}" --seconds "${TORCH_SECONDS:-3}" --models "$models_csv" 2>&1
    else
      echo "torch is not importable by /usr/bin/python3; to compare, install Debian's build:"
      echo "  apt-get install python3-torch libopenblas0-pthread"
    fi
  fi
  echo
  echo "# load average at end: $(cat /proc/loadavg)"
} 2>&1 | tee "$out"
echo "written to $out" >&2
