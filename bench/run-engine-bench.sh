#!/usr/bin/env bash
# Runs the engine benchmarks and the PyTorch comparison, printing everything and keeping a copy in
# bench/results/engine-<date>.txt. Builds the modules first when their classes are missing
# (set REBUILD=1 to force). The machine is usually shared: every table carries the load average.
#
#   bench/run-engine-bench.sh                 # everything
#   ITERATIONS=9 TORCH_THREADS=2 bench/run-engine-bench.sh
#
# Environment: ITERATIONS (timed runs per row, default 7), TORCH_THREADS (torch.set_num_threads values
# to run the PyTorch script with, default "2 1": compare the engine with the better of the two),
# MVN_FLAGS (extra Maven flags, default -o for an offline build).
set -euo pipefail

root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
iterations="${ITERATIONS:-7}"
torch_threads="${TORCH_THREADS:-2 1}"
mkdir -p bench/results
out="bench/results/engine-$(date +%Y-%m-%d-%H%M).txt"

if [[ "${REBUILD:-0}" == 1 || ! -f bench/target/classpath.txt || ! -d bench/target/classes/dev/refinery/bench ]]; then
  echo "building (./mvnw -B -q ${MVN_FLAGS:--o} install -DskipTests)" >&2
  ./mvnw -B -q ${MVN_FLAGS:--o} install -DskipTests
fi
cp="bench/target/classes:$(cat bench/target/classpath.txt)"
java_run=(java --add-modules jdk.incubator.vector -cp "$cp")

{
  echo "# Refinery engine benchmark, $(date -u +%Y-%m-%dT%H:%M:%SZ)"
  echo "# commit $(git rev-parse --short HEAD 2>/dev/null || echo unknown)$(git diff --quiet 2>/dev/null || echo ' (with local changes)')"
  echo "# cpu: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), family $(grep -m1 'cpu family' /proc/cpuinfo | cut -d: -f2 | xargs), $(nproc) cpus"
  echo "# java: $(java -version 2>&1 | head -1)"
  echo "# load average at start: $(cat /proc/loadavg)"
  echo
  echo "## KernelBench"
  "${java_run[@]}" dev.refinery.bench.KernelBench 2>&1 | grep -v 'Using incubator modules'
  echo
  echo "## EngineBench"
  "${java_run[@]}" -Dbench.iterations="$iterations" dev.refinery.bench.EngineBench 2>&1 | grep -v 'Using incubator modules'
  echo
  echo "## MemoryBench (-Xmx512m)"
  java -Xmx512m --add-modules jdk.incubator.vector -cp "$cp" dev.refinery.bench.MemoryBench 2>&1 | grep -v 'Using incubator modules'
  echo
  echo "## PyTorch (bench/torch/lora_step.py)"
  if /usr/bin/python3 -c 'import torch' 2>/dev/null; then
    for t in $torch_threads; do
      /usr/bin/python3 bench/torch/lora_step.py --threads "$t" --iterations "$iterations" 2>&1
      echo
    done
  else
    echo "torch is not importable by /usr/bin/python3; to compare, install Debian's build:"
    echo "  apt-get install python3-torch libopenblas0-pthread"
  fi
  echo
  echo "# load average at end: $(cat /proc/loadavg)"
} 2>&1 | tee "$out"
echo "written to $out" >&2
