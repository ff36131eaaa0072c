#!/usr/bin/env bash
# Starts and stops the local stack (Kafka, S3Proxy, PostgreSQL) and the six services as plain
# processes, for machines without Docker. Used by ./refinery up | down | demo.
#
#   deploy/local/stack.sh up      build what is missing, start everything, wait until all are ready
#   deploy/local/stack.sh down    stop everything this script started
#   deploy/local/stack.sh status  what runs, and where
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$ROOT"

RUN="$ROOT/run/local"
SERVICES=(ingest-service:8081 validation-service:8082 training-service:8083 eval-service:8084 inference-service:8085 gateway:8080)
# REFINERY_SERVICE_HEAP overrides each service's heap (benchmarks run them at 256m).
JAVA_OPTS=(--add-modules jdk.incubator.vector "-Xmx${REFINERY_SERVICE_HEAP:-512m}")

log() { printf '%s\n' "$*" >&2; }

build() {
  local missing=0
  [[ -f deploy/local/target/classpath.txt ]] || missing=1
  for entry in "${SERVICES[@]}"; do
    [[ -f "${entry%%:*}/target/quarkus-app/quarkus-run.jar" ]] || missing=1
  done
  if [[ $missing == 1 ]]; then
    log "building the services and the local stack (first run downloads dependencies; a few minutes)..."
    ./mvnw -B -q install -DskipTests -pl deploy/local,ingest-service,validation-service,training-service,eval-service,inference-service,gateway -am >&2
  fi
}

wait_for() { # what, seconds, test command...
  local what=$1 seconds=$2; shift 2
  for ((i = 0; i < seconds * 2; i++)); do
    if "$@" >/dev/null 2>&1; then return 0; fi
    sleep 0.5
  done
  log "refinery: $what did not become ready within ${seconds}s; see $RUN/logs/"
  return 1
}

up() {
  if [[ -f "$RUN/pids" ]]; then
    log "refinery: already running (deploy/local/stack.sh down first)"
    return 1
  fi
  build
  for entry in "${SERVICES[@]}"; do
    local port=${entry##*:}
    if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
      log "refinery: port $port is already in use; stop what runs there first"
      return 1
    fi
  done
  mkdir -p "$RUN/logs"
  rm -f "$RUN/stack.env"
  java -cp "$(cat deploy/local/target/classpath.txt):deploy/local/target/classes" \
    dev.refinery.localstack.LocalStackMain "$RUN/stack.env" > "$RUN/logs/stack.log" 2>&1 &
  echo "stack $!" > "$RUN/pids"
  log "starting Kafka, S3Proxy and PostgreSQL..."
  wait_for "the local stack" 120 test -f "$RUN/stack.env" || { down; return 1; }
  set -a
  # shellcheck disable=SC1091
  . "$RUN/stack.env"
  set +a
  export REFINERY_ENGINE_MODELS_DIR="$ROOT/models"
  # The gateway's bootstrap admin key: kept in run/admin.key (yours only) across runs, made on the first one.
  if [[ ! -s "$ROOT/run/admin.key" ]]; then
    (umask 077; printf '%s\n' "$REFINERY_AUTH_BOOTSTRAP_KEY" > "$ROOT/run/admin.key")
  fi
  REFINERY_AUTH_BOOTSTRAP_KEY="$(cat "$ROOT/run/admin.key")"
  export REFINERY_AUTH_BOOTSTRAP_KEY
  for entry in "${SERVICES[@]}"; do
    local svc=${entry%%:*} port=${entry##*:}
    # Every process listens on 127.0.0.1 only: nothing but this machine reaches the services (or the gateway).
    java "${JAVA_OPTS[@]}" -Dquarkus.http.host=127.0.0.1 -Dquarkus.http.port="$port" -jar "$svc/target/quarkus-app/quarkus-run.jar" \
      > "$RUN/logs/$svc.log" 2>&1 &
    echo "$svc $!" >> "$RUN/pids"
  done
  log "starting the services..."
  for entry in "${SERVICES[@]}"; do
    local svc=${entry%%:*} port=${entry##*:}
    wait_for "$svc" 180 curl -fsS "http://127.0.0.1:$port/q/health/ready" || { down; return 1; }
    log "  $svc ready on http://127.0.0.1:$port"
  done
  log "gateway: http://127.0.0.1:8080/v1  (logs in $RUN/logs, stop with ./refinery down)"
  log "admin API key: run/admin.key  (./refinery NOUN VERB uses it; elsewhere: export REFINERY_API_KEY=\$(cat run/admin.key))"
}

down() {
  [[ -f "$RUN/pids" ]] || { log "refinery: nothing is running"; return 0; }
  # Services first (they flush their outboxes), the stack last.
  tac "$RUN/pids" | while read -r name pid; do
    if kill -0 "$pid" 2>/dev/null; then
      kill "$pid" 2>/dev/null || true
      for ((i = 0; i < 60; i++)); do kill -0 "$pid" 2>/dev/null || break; sleep 0.5; done
      kill -9 "$pid" 2>/dev/null || true
      log "stopped $name"
    fi
  done
  rm -f "$RUN/pids"
}

status() {
  [[ -f "$RUN/pids" ]] || { echo "not running"; return 0; }
  while read -r name pid; do
    if kill -0 "$pid" 2>/dev/null; then echo "$name running (pid $pid)"; else echo "$name stopped"; fi
  done < "$RUN/pids"
}

case "${1:-}" in
  up) up ;;
  down) down ;;
  status) status ;;
  *) echo "usage: deploy/local/stack.sh up|down|status" >&2; exit 64 ;;
esac
