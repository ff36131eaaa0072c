#!/usr/bin/env bash
# What authentication costs a read (issue "Tenants, API keys and isolation", Performance). On the local stack
# (./refinery up), with wrk (Debian: apt-get install wrk), one after another in the same run, each for DURATION:
#   gateway  GET /q/health/live          no key, no upstream: the HTTP floor of the gateway
#   gateway  GET /v1/me                  the key checked (hash, cache, scope, rate), no upstream
#   gateway  GET /v1/fine-tunes/{id}     the key checked, the identity signed, training-service verifies it and reads the job
#   training GET /jobs/{id}              the same read straight at training-service with an identity made here (no gateway)
# The first two differ by what the gateway's authentication adds; the last two by what the gateway adds in all
# (authentication, signing, the proxy hop). p50 and p99 from wrk --latency, at a fixed number of connections.
#   bench/platform/auth-latency-bench.sh [DURATION] [CONNECTIONS]   (default 20s 4; DURATION under 55 s: the direct
#   read's identity lives 60 s)
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$ROOT"
DURATION=${1:-20s}
CONNECTIONS=${2:-4}
command -v wrk >/dev/null || { echo "auth-latency-bench: needs wrk (apt-get install wrk)" >&2; exit 1; }
OUT=bench/results
mkdir -p "$OUT" run/bench

deploy/local/stack.sh up
trap 'deploy/local/stack.sh down' EXIT
KEY=$(cat run/admin.key)
GW=http://127.0.0.1:8080
TRAINING=http://127.0.0.1:8083

# A job to read: a tiny dataset, a local job on it, cancelled at once so nothing trains while we measure.
head -n 24 examples/named-stories/train.jsonl > run/bench/tiny.jsonl
DS=$(curl -fsS -X POST -H "Authorization: Bearer $KEY" -H 'Content-Type: application/x-ndjson' --data-binary @run/bench/tiny.jsonl \
     "$GW/v1/datasets?name=auth-bench" | sed -E 's/.*"id":"([^"]+)".*/\1/')
until curl -fsS -H "Authorization: Bearer $KEY" "$GW/v1/datasets/$DS" | grep -q '"status":"VALID"'; do sleep 0.2; done
JOB=""
until [[ $JOB == ft-* ]]; do
  JOB=$(curl -sS -X POST -H "Authorization: Bearer $KEY" -H 'Content-Type: application/json' -d "{\"datasetId\":\"$DS\"}" \
        "$GW/v1/fine-tunes" | sed -E 's/.*"id":"(ft-[^"]+)".*/\1/')
  sleep 0.2
done
curl -fsS -X POST -H "Authorization: Bearer $KEY" "$GW/v1/fine-tunes/$JOB/cancel" > /dev/null
sleep 20 # let the services' start-up work settle before measuring

# The measuring key: the admin key's rate (600 a minute) would turn most of a run into 429s.
BENCH_KEY=$(curl -fsS -X POST -H "Authorization: Bearer $KEY" -H 'Content-Type: application/json' \
            -d '{"name":"auth-latency-bench","scope":"read","requestsPerMinute":1000000}' "$GW/v1/keys" | sed -E 's/.*"key":"([^"]+)".*/\1/')

# An identity as the gateway makes it (HS256 over the stack's signing key, valid for 60 s): for the direct read.
identity() {
  local signing_key now header payload signature
  signing_key=$(sed -n 's/^REFINERY_IDENTITY_SIGNING_KEY=//p' run/local/stack.env)
  b64url() { openssl base64 -A | tr '+/' '-_' | tr -d '='; }
  now=$(date +%s)
  header=$(printf '{"alg":"HS256"}' | b64url)
  payload=$(printf '{"iss":"bench","aud":"refinery-services","sub":"bench","iat":%d,"exp":%d,"tenant":"default","scope":"read"}' \
            "$now" $((now + 60)) | b64url)
  signature=$(printf '%s.%s' "$header" "$payload" | openssl dgst -sha256 -hmac "$signing_key" -binary | b64url)
  printf '%s.%s.%s' "$header" "$payload" "$signature"
}

run() { # name url [header]
  local name=$1 url=$2; shift 2
  local file
  file="run/bench/wrk-$(printf '%s' "$name" | tr -c 'A-Za-z0-9' '-').txt"
  wrk -t 1 -c "$CONNECTIONS" -d 15s "$@" "$url" > /dev/null # warm-up: the JIT needs it (5 s left the proxy path at half its speed)
  wrk -t 1 -c "$CONNECTIONS" -d "$DURATION" --latency "$@" "$url" > "$file"
  local p50 p99 rps non2xx
  p50=$(awk '$1 == "50%" {print $2}' "$file")
  p99=$(awk '$1 == "99%" {print $2}' "$file")
  rps=$(awk '/^Requests\/sec/ {print $2}' "$file")
  non2xx=$(awk '/Non-2xx/ {print $5}' "$file")
  printf '| %-34s | %8s | %8s | %9s | %s |\n' "$name" "$p50" "$p99" "$rps" "${non2xx:-0}"
}

{
  echo "auth-latency-bench $(date -u +%Y-%m-%dT%H:%MZ); CPU: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), $(nproc) cores,"
  echo "$(grep -q avx512f /proc/cpuinfo && echo AVX-512 || echo AVX2); load average before: $(cut -d' ' -f1-3 /proc/loadavg); wrk -t1 -c$CONNECTIONS -d$DURATION"
  echo
  echo "| request                            |      p50 |      p99 |     req/s | non-2xx |"
  echo "|---|---|---|---|---|"
  run "gateway /q/health/live (no key)" "$GW/q/health/live"
  run "gateway /v1/me (key)" "$GW/v1/me" -H "Authorization: Bearer $BENCH_KEY"
  run "gateway /v1/fine-tunes/{id} (key)" "$GW/v1/fine-tunes/$JOB" -H "Authorization: Bearer $BENCH_KEY"
  run "training /jobs/{id} (identity)" "$TRAINING/jobs/$JOB" -H "X-Refinery-Identity: $(identity)"
} | tee "$OUT/auth-latency-$(date -u +%Y%m%d-%H%M).txt"
