"""The job spec the trainer runs: read from JSON, every field checked, every problem reported at once."""

import json
import os
from dataclasses import dataclass, field
from typing import List, Optional

from .errors import SpecError

METHODS = ("sft", "dpo")
TRAINING_TYPES = ("lora", "full")
SCHEDULERS = ("cosine", "linear", "constant")
OVERFLOW_POLICIES = ("fail", "truncate", "drop")
# Our short module names (the engine's and training-service's) and the Llama-family layer names they mean.
LORA_MODULE_NAMES = {
    "q": "q_proj", "k": "k_proj", "v": "v_proj", "o": "o_proj",
    "gate": "gate_proj", "up": "up_proj", "down": "down_proj",
}
ALL_LINEAR = "all-linear"


@dataclass(frozen=True)
class LoraSettings:
    rank: int = 8
    alpha: float = 16.0
    dropout: float = 0.0
    # PEFT's names: "all-linear" or layer names such as "q_proj".
    target_modules: object = ALL_LINEAR


@dataclass(frozen=True)
class JobSpec:
    job_id: str
    base_model: str
    training_file: str
    validation_file: Optional[str] = None
    method: str = "sft"
    training_type: str = "lora"
    lora: LoraSettings = field(default_factory=LoraSettings)
    epochs: int = 1
    learning_rate: float = 1e-4
    batch_size: int = 8
    gradient_accumulation: int = 1
    lr_scheduler: str = "cosine"
    warmup_ratio: float = 0.0
    weight_decay: float = 0.0
    max_grad_norm: float = 1.0
    seed: int = 42
    max_seq_len: Optional[int] = None
    overflow: str = "fail"
    train_on_inputs: bool = False
    eval_every: int = 0


class _Reader:
    """Reads fields of one JSON object, collecting one violation per bad field instead of stopping."""

    def __init__(self, obj, prefix):
        self.obj = obj if isinstance(obj, dict) else {}
        self.prefix = prefix
        self.violations: List[dict] = []

    def _path(self, name):
        return f"{self.prefix}.{name}" if self.prefix else name

    def _bad(self, name, value, allowed):
        self.violations.append({"field": self._path(name), "value": value, "allowed": allowed})

    def string(self, name, default=None, required=False):
        value = self.obj.get(name)
        if value is None:
            if required:
                self._bad(name, None, "a non-empty string (required)")
            return default
        if not isinstance(value, str) or not value.strip():
            self._bad(name, value, "a non-empty string")
            return default
        return value

    def choice(self, name, allowed, default):
        value = self.obj.get(name, default)
        if isinstance(value, str) and value.lower() in allowed:
            return value.lower()
        self._bad(name, value, "one of " + ", ".join(allowed))
        return default

    def integer(self, name, low, high, default):
        value = self.obj.get(name, default)
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
            self._bad(name, value, f"an integer {low}..{high}")
            return default
        return value

    def number(self, name, low, high, default, low_inclusive=True):
        value = self.obj.get(name, default)
        ok = isinstance(value, (int, float)) and not isinstance(value, bool)
        if ok:
            ok = (value >= low if low_inclusive else value > low) and value <= high
        if not ok:
            bound = "[" if low_inclusive else "("
            self._bad(name, value, f"a number in {bound}{low}, {high}]")
            return default
        return float(value)

    def boolean(self, name, default):
        value = self.obj.get(name, default)
        if not isinstance(value, bool):
            self._bad(name, value, "true or false")
            return default
        return value

    def child(self, name):
        value = self.obj.get(name)
        if value is not None and not isinstance(value, dict):
            self._bad(name, value, "a JSON object")
        return _Reader(value, self._path(name))


def _target_modules(reader):
    value = reader.obj.get("targetModules", ALL_LINEAR)
    if value == ALL_LINEAR:
        return ALL_LINEAR
    names = value.split(",") if isinstance(value, str) else value
    if not isinstance(names, list) or not names or not all(isinstance(n, str) and n.strip() for n in names):
        reader._bad("targetModules", value, "\"all-linear\" or a list of module names (q, k, v, o, gate, up, down or layer names)")
        return ALL_LINEAR
    return sorted({LORA_MODULE_NAMES.get(n.strip(), n.strip()) for n in names})


def parse_spec(document, job_id_override=None):
    """Builds a JobSpec from the parsed JSON document, or raises SpecError listing every bad field."""
    if not isinstance(document, dict):
        raise SpecError("SPEC_NOT_OBJECT", "the job spec must be a JSON object")
    top = _Reader(document, "")
    job_id = job_id_override or top.string("jobId", required=True)
    base_model = top.string("baseModel", required=True)
    method = top.choice("method", METHODS, "sft")
    training_type = top.choice("trainingType", TRAINING_TYPES, "lora")
    training_file = top.string("trainingFile", required=True)
    validation_file = top.string("validationFile")

    lora_reader = top.child("lora")
    rank = lora_reader.integer("rank", 1, 1024, 8)
    lora = LoraSettings(
        rank=rank,
        alpha=lora_reader.number("alpha", 0, 65536, 2.0 * rank, low_inclusive=False),
        dropout=lora_reader.number("dropout", 0, 0.999, 0.0),
        target_modules=_target_modules(lora_reader),
    )

    hp = top.child("hyperparameters")
    spec = JobSpec(
        job_id=job_id,
        base_model=base_model,
        training_file=training_file,
        validation_file=validation_file,
        method=method,
        training_type=training_type,
        lora=lora,
        epochs=hp.integer("epochs", 1, 1000, 1),
        learning_rate=hp.number("learningRate", 0, 1, 1e-4, low_inclusive=False),
        batch_size=hp.integer("batchSize", 1, 4096, 8),
        gradient_accumulation=hp.integer("gradientAccumulation", 1, 1024, 1),
        lr_scheduler=hp.choice("lrScheduler", SCHEDULERS, "cosine"),
        warmup_ratio=hp.number("warmupRatio", 0, 1, 0.0),
        weight_decay=hp.number("weightDecay", 0, 1, 0.0),
        max_grad_norm=hp.number("maxGradNorm", 0, 1000, 1.0),
        seed=hp.integer("seed", 0, 2**31 - 1, 42),
        max_seq_len=hp.integer("maxSeqLen", 1, 1 << 20, None),
        overflow=hp.choice("overflow", OVERFLOW_POLICIES, "fail"),
        train_on_inputs=hp.boolean("trainOnInputs", False),
        eval_every=hp.integer("evalEvery", 0, 10**9, 0),
    )
    violations = top.violations + lora_reader.violations + hp.violations
    if violations:
        fields = ", ".join(v["field"] for v in violations)
        raise SpecError("SPEC_FIELD_INVALID", f"the job spec has {len(violations)} invalid field(s): {fields}",
                        where={"violations": violations})
    return spec


def load_spec(path=None, environ=os.environ):
    """Reads the spec from a file (argument, or REFINERY_JOB_SPEC) or inline JSON (REFINERY_JOB_SPEC_JSON)."""
    inline = environ.get("REFINERY_JOB_SPEC_JSON")
    path = path or environ.get("REFINERY_JOB_SPEC")
    if path:
        try:
            with open(path, encoding="utf-8") as f:
                text, source = f.read(), path
        except OSError as e:
            raise SpecError("SPEC_NOT_FOUND", f"cannot read the job spec: {e.strerror}", where={"file": path})
    elif inline:
        text, source = inline, "REFINERY_JOB_SPEC_JSON"
    else:
        raise SpecError("SPEC_NOT_FOUND", "no job spec: pass --spec PATH or set REFINERY_JOB_SPEC or REFINERY_JOB_SPEC_JSON")
    try:
        document = json.loads(text)
    except json.JSONDecodeError as e:
        raise SpecError("SPEC_NOT_JSON", f"the job spec is not JSON: {e.msg}",
                        where={"file": source, "line": e.lineno, "column": e.colno})
    return parse_spec(document, job_id_override=environ.get("REFINERY_JOB_ID"))
