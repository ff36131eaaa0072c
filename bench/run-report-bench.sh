#!/usr/bin/env bash
# The full report as a user runs it: `refinery datasets check FILE` through the command-line jar, JVM start
# included, -Xmx256m, on the issue's 1 GiB file (shared/bench/make_chat_jsonl.py OUT 1024 --no-extra-fields),
# for each mode: the structural checks, the default check (local engine: stories260K's tokenizer), and the
# check for OpenAI's gpt-4o (o200k), each with every other target's verdict against its own model. Prints the
# best and median wall time of RUNS runs, the CPU seconds (user + sys) and the peak RSS, and the load average
# (the machine is shared: read the CPU seconds when the load is high). With BASE_JAR, the same rows for
# another build's jar (e.g. the commit before the tokenizer work), interleaved run by run.
#
#   bench/run-report-bench.sh                       # RUNS=3, SIZE_MB=1024
#   BASE_JAR=/path/to/old/refinery-cli-all.jar bench/run-report-bench.sh
#
# Environment: SIZE_MB (1024), RUNS (3), HEAP (256m), JAR (cli/target/refinery-cli-0.1.0-SNAPSHOT-all.jar), BASE_JAR.
set -euo pipefail

root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
source bench/bench-lib.sh
data=$(chat_file "${SIZE_MB:-1024}")
jar="${JAR:-cli/target/refinery-cli-0.1.0-SNAPSHOT-all.jar}"
[[ -f "$jar" ]] || { echo "build the command-line jar first: ./mvnw -pl engine,catalog,datasets,cli install -DskipTests" >&2; exit 1; }
bytes=$(stat -c %s "$data")

modes=("--structural" "" "--target openai --model gpt-4o-2024-08-06")
names=("structural" "default: local, stories260K" "openai: gpt-4o, o200k")
jars=("$jar")
[[ -n "${BASE_JAR:-}" ]] && jars+=("$BASE_JAR")

mkdir -p bench/results
out="bench/results/report-$(date +%Y-%m-%d-%H%M).txt"
{
  echo "# commit $(git rev-parse --short HEAD 2>/dev/null || echo unknown); $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)," \
       "$(grep -q avx512f /proc/cpuinfo && echo AVX-512 || echo no AVX-512), $(nproc) cpus; $(java -version 2>&1 | head -1)"
  echo "# $(basename "$data"): $bytes bytes; -Xmx${HEAP:-256m}; ${RUNS:-3} runs per row, interleaved"
  printf '%-8s %-30s %9s %9s %9s %11s %10s  %s\n' jar mode "best s" "median s" "MB/s" "cpu s" "max RSS MB" "load before"
  for m in "${!modes[@]}"; do
    for j in "${!jars[@]}"; do
      : > "/tmp/refinery-report-times-$j"
    done
    for run in $(seq "${RUNS:-3}"); do
      for j in "${!jars[@]}"; do
        load=$(cut -d' ' -f1-3 /proc/loadavg)
        # shellcheck disable=SC2086
        /usr/bin/time -q -f "%e %U %S %M" -o /tmp/refinery-report-time java -Xmx"${HEAP:-256m}" -jar "${jars[$j]}" datasets check "$data" ${modes[$m]} \
            > /dev/null 2>&1 || true  # exit status 1 is a rejected file, not a failure
        echo "$(cat /tmp/refinery-report-time) $load" >> "/tmp/refinery-report-times-$j"
      done
    done
    for j in "${!jars[@]}"; do
      sort -n "/tmp/refinery-report-times-$j" | awk -v name="${names[$m]}" -v jar="$([[ $j == 0 ]] && echo this || echo base)" -v bytes="$bytes" '
        { wall[NR] = $1; cpu[NR] = $2 + $3; rss[NR] = $4; load[NR] = $5 " " $6 " " $7 }
        END { printf "%-8s %-30s %9.2f %9.2f %9.1f %11.1f %10.0f  %s\n", jar, name, wall[1], wall[int((NR + 1) / 2)],
              bytes / 1e6 / wall[1], cpu[1], rss[1] / 1024, load[1] }'
    done
  done
} 2>&1 | tee "$out"
echo "written to $out" >&2
