#!/usr/bin/env bash
# Sustained ingestion through the examples topic (IngestBench): examples per second with validation on arrival,
# send-to-durable p50/p99, and ingest-service's heap after GC and RSS over the run. Starts only what ingest-service needs:
# the local stack (Kafka, PostgreSQL, S3Proxy; no Docker) and ingest-service itself at -Xmx256m on a free port, then
# stops them. Output also goes to bench/results/ingest-<date>.txt.
#   bench/run-ingest-bench.sh [COUNT] [PACED_COUNT]     (defaults 1000000 and 10000 at each paced rate; SAMPLE_SECONDS=10 between memory samples)
# MVN_FLAGS (default -o) is passed to the build, e.g. "-o -Dmaven.repo.local=/tmp/m2 -Dmaven.repo.local.tail=$HOME/.m2/repository".
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
COUNT=${1:-1000000}
PACED=${2:-10000}
RUN="$root/run/bench-ingest"
OUT=bench/results/ingest-$(date -u +%Y-%m-%d-%H%M).txt
mkdir -p "$RUN" bench/results

if [[ "${REBUILD:-0}" == 1 || ! -f ingest-service/target/quarkus-app/quarkus-run.jar || ! -f deploy/local/target/classpath.txt
      || ! -f bench/target/classes/dev/refinery/bench/IngestBench.class ]]; then
  ./mvnw -B -q ${MVN_FLAGS:--o} install -DskipTests -pl deploy/local,ingest-service,engine,catalog,datasets,identity -am >&2
  ./mvnw -B -q ${MVN_FLAGS:--o} package -pl bench -DskipTests >&2
fi

pids=()
stop() {
  for ((i = ${#pids[@]} - 1; i >= 0; i--)); do
    kill "${pids[i]}" 2>/dev/null || true
    for _ in $(seq 1 60); do kill -0 "${pids[i]}" 2>/dev/null || break; sleep 0.5; done
  done
}
trap stop EXIT

rm -f "$RUN/stack.env"
java -cp "$(cat deploy/local/target/classpath.txt):deploy/local/target/classes" dev.refinery.localstack.LocalStackMain "$RUN/stack.env" \
  > "$RUN/stack.log" 2>&1 &
pids+=($!)
for _ in $(seq 1 240); do [[ -f "$RUN/stack.env" ]] && break; sleep 0.5; done
[[ -f "$RUN/stack.env" ]] || { echo "ingest-bench: the local stack did not start; see $RUN/stack.log" >&2; exit 1; }
set -a
# shellcheck disable=SC1091
. "$RUN/stack.env"
set +a

PORT=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
java --add-modules jdk.incubator.vector -Xmx256m -Dquarkus.http.host=127.0.0.1 -Dquarkus.http.port="$PORT" \
  -jar ingest-service/target/quarkus-app/quarkus-run.jar > "$RUN/ingest-service.log" 2>&1 &
ING=$!
pids+=("$ING")
for _ in $(seq 1 360); do curl -fsS "http://127.0.0.1:$PORT/q/health/ready" >/dev/null 2>&1 && break; sleep 0.5; done
curl -fsS "http://127.0.0.1:$PORT/q/health/ready" >/dev/null || { echo "ingest-bench: ingest-service not ready; see $RUN/ingest-service.log" >&2; exit 1; }

CP="bench/target/classes:$(cat bench/target/classpath.txt)"
java -Xmx1g -cp "$CP" \
  -Dbench.ingest-url="http://127.0.0.1:$PORT" -Dbench.kafka="$KAFKA_BOOTSTRAP_SERVERS" \
  -Dbench.jdbc-url="$QUARKUS_DATASOURCE_JDBC_URL" -Dbench.jdbc-user="$QUARKUS_DATASOURCE_USERNAME" \
  -Dbench.jdbc-password="$QUARKUS_DATASOURCE_PASSWORD" -Dbench.signing-key="$REFINERY_IDENTITY_SIGNING_KEY" \
  -Dbench.ingest-pid="$ING" -Dbench.count="$COUNT" -Dbench.paced-count="$PACED" -Dbench.sample-seconds="${SAMPLE_SECONDS:-10}" \
  dev.refinery.bench.IngestBench | tee "$OUT"
echo "written to $OUT" >&2
