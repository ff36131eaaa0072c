#!/usr/bin/env bash
# KernelBench for this build, and for another build's engine classes beside it, run by run interleaved,
# at each vector width; output also goes to bench/results/kernels-<date>.txt. Builds nothing: build
# bench/ first (bench/target/classpath.txt must exist).
#
#   bench/run-kernel-compare.sh                                   # this build, AVX2 and AVX-512
#   BASE_CLASSES=/tmp/base/engine/target/classes ROUNDS=2 bench/run-kernel-compare.sh
#   SHAPES=square-1024,qkvo WIDTHS=avx2 bench/run-kernel-compare.sh
#
# Environment: BASE_CLASSES (engine classes of another commit, e.g. main's; see bench/README.md for how
# to build them without touching this checkout), WIDTHS (default "avx2 avx512"), ROUNDS (default 1),
# SHAPES (KernelBench's -Dbench.shapes, default every row but square-2048).
# avx2 runs the JVM with -XX:UseAVX=2: no AVX-512 instructions and 16 vector registers, which is what an
# AVX2-only CPU gives the JIT. avx512 needs a CPU that has it (the JVM silently stays at AVX2 otherwise;
# the kernel line of each table says which width ran).
set -euo pipefail

root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
[[ -f bench/target/classpath.txt ]] || { echo "build bench/ first (bench/target/classpath.txt is missing)" >&2; exit 1; }
mkdir -p bench/results
out="bench/results/kernels-$(date +%Y-%m-%d-%H%M).txt"
# classpath.txt starts with the engine jar; the engine classes go in its place.
deps="$(cut -d: -f2- bench/target/classpath.txt)"
builds=("this:engine/target/classes")
[[ -n "${BASE_CLASSES:-}" ]] && builds+=("base:$BASE_CLASSES")

{
  echo "# KernelBench comparison, $(date -u +%Y-%m-%dT%H:%M:%SZ), commit $(git rev-parse --short HEAD)$(git diff --quiet || echo ' (with local changes)')"
  [[ -n "${BASE_CLASSES:-}" ]] && echo "# base: $BASE_CLASSES"
  for round in $(seq "${ROUNDS:-1}"); do
    for width in ${WIDTHS:-avx2 avx512}; do
      case "$width" in
        avx2) flag=-XX:UseAVX=2 ;;
        avx512) flag=-XX:UseAVX=3 ;;
        *) echo "unknown width $width" >&2; exit 1 ;;
      esac
      for build in "${builds[@]}"; do
        echo
        echo "## round $round, $width, ${build%%:*}"
        java --add-modules jdk.incubator.vector "$flag" ${SHAPES:+-Dbench.shapes="$SHAPES"} \
          -cp "bench/target/classes:${build#*:}:$deps" dev.refinery.bench.KernelBench 2>&1 | grep -v 'Using incubator modules'
      done
    done
  done
} 2>&1 | tee "$out"
echo "written to $out" >&2
