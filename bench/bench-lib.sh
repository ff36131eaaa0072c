# Shared by the bench/run-*.sh scripts (sourced, not run): the synthetic chat file and the benchmark classes.

# The path of the synthetic chat file of $1 MiB (shared/bench/make_chat_jsonl.py OUT SIZE --no-extra-fields, the
# issue's file: it passes Together's checker end to end), generated once into $TMPDIR.
chat_file() {
  local size=$1 data generator
  data="${TMPDIR:-/tmp}/refinery-chat-${size}.jsonl"
  generator="${CHAT_GENERATOR:-$root/../shared/bench/make_chat_jsonl.py}"
  [[ -f "$generator" ]] || generator=/work/shared/bench/make_chat_jsonl.py
  [[ -f "$data" ]] || python3 "$generator" "$data" "$size" --no-extra-fields >&2
  echo "$data"
}

# The classpath to run bench class $1 with, building the modules first when it is missing (REBUILD=1 to force;
# MVN_FLAGS, default -o, e.g. with -Dmaven.repo.local=... to build against your own local repository). The
# modules' own classes come first: the local repository may hold another branch's build of them.
bench_classpath() {
  local class=$1
  if [[ "${REBUILD:-0}" == 1 || ! -f bench/target/classpath.txt || ! -f "bench/target/classes/dev/refinery/bench/$class.class" ]]; then
    ./mvnw -B -q ${MVN_FLAGS:--o} install -pl engine,catalog,datasets -DskipTests >&2
    ./mvnw -B -q ${MVN_FLAGS:--o} package -pl bench -DskipTests >&2
  fi
  echo "bench/target/classes:datasets/target/classes:catalog/target/classes:engine/target/classes:$(cat bench/target/classpath.txt)"
}
