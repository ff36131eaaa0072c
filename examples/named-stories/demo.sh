#!/usr/bin/env bash
# The example pipeline on the built-in engine: dataset -> LoRA fine-tune -> held-out evaluation.
# Run it through ./refinery demo --engine-only (which builds the engine first). Ends with one line: RESULT <json>.
#
# The full pipeline through the gateway and the services is ./refinery demo; this script is its engine-only twin.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$ROOT"
: "${ENGINE_JAR:?run this through ./refinery demo}"
read -r -a JAVA_ARGS <<< "${JAVA_OPTS:---add-modules jdk.incubator.vector}"

MODEL=models/stories260K/stories260K.bin
DATA=examples/named-stories
RUN_DIR="run/demo-$(date -u +%Y%m%dT%H%M%SZ)"
mkdir -p "$RUN_DIR"

engine() {
  java "${JAVA_ARGS[@]}" -jar "$ENGINE_JAR" "$@" 2> >(grep -v '^WARNING: Using incubator modules' >&2)
}

echo "== 1/3 dataset: $DATA (the named-story task; regenerate with: ./refinery engine make-example --model $MODEL --out $DATA)"
for f in train validation test; do
  printf '   %-11s %4d conversations\n' "$f" "$(grep -c . "$DATA/$f.jsonl")"
done
echo "   base model: $MODEL (stories260K, 260K parameters)"

echo "== 2/3 fine-tune: LoRA r=8 on all projections, 5 epochs, lr 5e-3 cosine -> $RUN_DIR/job"
engine finetune --model "$MODEL" --train "$DATA/train.jsonl" --validation "$DATA/validation.jsonl" --out "$RUN_DIR/job" \
  --epochs 5 --lr 5e-3 --lora-r 8 --warmup-ratio 0.05 --min-lr-ratio 0.1 --eval-every 25 --json | tee "$RUN_DIR/finetune.log"
JOB_JSON="$(tail -n 1 "$RUN_DIR/finetune.log")"

echo "== 3/3 evaluate: base vs fine-tuned on the held-out test split (greedy, same prompts) -> $RUN_DIR/eval.json"
engine compare --model "$MODEL" --adapter "$RUN_DIR/job/adapter" --data "$DATA/test.jsonl" --report "$RUN_DIR/eval.json" --json \
  | tee "$RUN_DIR/compare.log"
EVAL_JSON="$(tail -n 1 "$RUN_DIR/compare.log")"

STATUS=SUCCEEDED
[[ -f "$RUN_DIR/job/adapter/adapter_model.safetensors" ]] || STATUS=FAILED
echo "RESULT {\"mode\":\"engine-only\",\"dataset\":\"$DATA\",\"validation\":\"not run (engine-only)\",\"job\":{\"id\":\"$RUN_DIR/job\",\"status\":\"$STATUS\",\"summary\":$JOB_JSON},\"eval\":{\"id\":\"$RUN_DIR/eval.json\",\"summary\":$EVAL_JSON}}"
