#!/usr/bin/env bash
# The trainer's device check: library versions, then the whole test suite on the GPU, then the tiny-Llama
# tests again with the GPU hidden (the CPU path). Writes everything to ${OUT:-/tmp}/trainer-gpu-check.log.
set -uo pipefail
cd "$(dirname "$0")"
log="${OUT:-/tmp}/trainer-gpu-check.log"
export PYTHONUNBUFFERED=1 PYTHONDONTWRITEBYTECODE=1
{
  echo "== versions"
  nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv,noheader || true
  python3 - <<'PY'
import sys
print("python", sys.version.split()[0])
for name in ("torch", "transformers", "peft", "tokenizers", "safetensors", "boto3", "pytest"):
    try:
        module = __import__(name)
        print(name, getattr(module, "__version__", "?"))
    except ImportError as e:
        print(name, "MISSING", e)
import torch
print("cuda available", torch.cuda.is_available(), "cuda", torch.version.cuda,
      "bf16", torch.cuda.is_available() and torch.cuda.is_bf16_supported())
PY
  echo "== tests on the GPU"
  start=$(date +%s)
  python3 -m pytest -q -p no:cacheprovider -rs tests; gpu_rc=$?
  echo "gpu pass exit $gpu_rc in $(( $(date +%s) - start )) s"
  echo "== tiny-Llama tests on the CPU"
  start=$(date +%s)
  CUDA_VISIBLE_DEVICES="" python3 -m pytest -q -p no:cacheprovider tests/test_train_tiny_llama.py; cpu_rc=$?
  echo "cpu pass exit $cpu_rc in $(( $(date +%s) - start )) s"
} 2>&1 | tee "$log"
