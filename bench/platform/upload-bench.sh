#!/usr/bin/env bash
# Platform benchmarks (issue "Foundation", Performance):
#  1. a 1 GiB JSONL upload through the gateway to S3, every service at -Xmx256m: MB/s and peak heap
#     of the gateway and ingest-service;
#  2. latency from "upload accepted" to dataset-validated for a 1 MB dataset: median and p95 of 20 runs.
# Starts the local stack and the services (./refinery up), prints a table, stops everything.
#   bench/platform/upload-bench.sh [SIZE_MB]   (default 1024)
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$ROOT"
SIZE_MB=${1:-1024}
OUT=bench/results
mkdir -p "$OUT" run/bench
# The deterministic chat-JSONL generator the project's benchmarks share (beside the repository in CI).
GEN=${REFINERY_BENCH_GENERATOR:-../shared/bench/make_chat_jsonl.py}
[[ -f $GEN ]] || { echo "upload-bench: set REFINERY_BENCH_GENERATOR to make_chat_jsonl.py" >&2; exit 1; }
BIG=run/bench/chat-${SIZE_MB}mb.jsonl
SMALL=run/bench/chat-1mb.jsonl
[[ -f $BIG ]] || python3 "$GEN" "$BIG" "$SIZE_MB" --no-extra-fields
[[ -f $SMALL ]] || python3 "$GEN" "$SMALL" 1 --no-extra-fields

REFINERY_SERVICE_HEAP=256m deploy/local/stack.sh up
trap 'deploy/local/stack.sh down' EXIT
AUTH="Authorization: Bearer $(cat run/admin.key)" # the local stack's admin key
pid_of() { awk -v s="$1" '$1 == s {print $2}' run/local/pids; }
GW=$(pid_of gateway); ING=$(pid_of ingest-service)

# Latency: upload accepted -> validation status VALID or INVALID, seen through the gateway.
LAT=()
for i in $(seq 1 20); do
  ID=$(curl -fsS -X POST -H "$AUTH" -H 'Content-Type: application/x-ndjson' --data-binary @"$SMALL" "http://127.0.0.1:8080/v1/datasets?name=lat-$i" \
       | sed -E 's/.*"id":"([^"]+)".*/\1/')
  T1=$(date +%s%N)
  until curl -fsS -H "$AUTH" "http://127.0.0.1:8080/v1/datasets/$ID" | grep -Eq '"status":"(VALID|INVALID)"'; do sleep 0.02; done
  T2=$(date +%s%N)
  LAT+=("$(( (T2 - T1) / 1000000 ))")
done
# Peak heap: sample jstat's used-heap columns every 0.5 s while the upload runs.
sample() { # pid file
  while kill -0 "$1" 2>/dev/null; do
    jstat -gc "$1" 2>/dev/null | awk 'NR==2 {printf "%.1f\n", ($3+$4+$6+$8)/1024}' >> "$2" 2>/dev/null || true
    sleep 0.5
  done
}
rm -f run/bench/heap-gw run/bench/heap-ing
sample "$GW" run/bench/heap-gw & S1=$!
sample "$ING" run/bench/heap-ing & S2=$!
BYTES=$(stat -c %s "$BIG")
START=$(date +%s.%N)
curl -fsS -X POST -H "$AUTH" -H 'Content-Type: application/x-ndjson' -T "$BIG" "http://127.0.0.1:8080/v1/datasets?name=bench-1g" > run/bench/upload.json
END=$(date +%s.%N)
kill $S1 $S2 2>/dev/null || true
MBS=$(echo "$BYTES $START $END" | awk '{printf "%.1f", $1/1048576/($3-$2)}')
PEAK_GW=$(sort -n run/bench/heap-gw | tail -1)
PEAK_ING=$(sort -n run/bench/heap-ing | tail -1)

SORTED=$(printf '%s\n' "${LAT[@]}" | sort -n)
MEDIAN=$(echo "$SORTED" | awk '{a[NR]=$1} END {print (a[10]+a[11])/2}')
P95=$(echo "$SORTED" | awk '{a[NR]=$1} END {print a[19]}')

{
  echo "platform benchmark $(date -u +%Y-%m-%dT%H:%MZ), $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg), services at -Xmx256m"
  printf '| %-52s | %s |\n' "measure" "value"
  printf '| %-52s | %s |\n' "upload through the gateway, $((BYTES / 1048576)) MiB" "$MBS MB/s"
  printf '| %-52s | %s |\n' "peak heap used, gateway (jstat, 0.5 s samples)" "$PEAK_GW MiB"
  printf '| %-52s | %s |\n' "peak heap used, ingest-service" "$PEAK_ING MiB"
  printf '| %-52s | %s |\n' "1 MB upload accepted -> validated, median of 20" "$MEDIAN ms"
  printf '| %-52s | %s |\n' "1 MB upload accepted -> validated, p95 of 20" "$P95 ms"
} | tee "$OUT/platform-$(date -u +%Y%m%d).txt"
