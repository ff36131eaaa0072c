"""The job spec the trainer runs: read from JSON, every field checked, every problem reported at once."""

import json
import os
from dataclasses import dataclass, field
from typing import List, Optional

from .errors import SpecError

METHODS = ("sft", "dpo")
TRAINING_TYPES = ("lora", "full")
SCHEDULERS = ("cosine", "linear", "constant")
TRAIN_ON_INPUTS = ("auto", "yes", "no")
OVERFLOW_POLICIES = ("fail", "truncate", "drop")
# dev.refinery.providers.spec.DpoVariant, lower-cased.
DPO_VARIANTS = ("standard", "length_normalized", "simpo")
# Together's defaults (docs/providers.md): dpo_beta 0.1, rpo_alpha 0, simpo_gamma 0.
DEFAULT_DPO_BETA = 0.1
DEFAULT_DPO_NLL_WEIGHT = 0.0
DEFAULT_SIMPO_GAMMA = 0.0
# Our short module names (the engine's and training-service's) and the Llama-family layer names they mean.
LORA_MODULE_NAMES = {
    "q": "q_proj", "k": "k_proj", "v": "v_proj", "o": "o_proj",
    "gate": "gate_proj", "up": "up_proj", "down": "down_proj",
}
ALL_LINEAR = "all-linear"
# Settings of the provider-neutral spec (dev.refinery.providers.spec.SpecField) this trainer runs; any other
# name is refused rather than ignored, so a setting the user chose is never silently dropped.
SUPPORTED_SETTINGS = ("trainingType", "epochs", "learningRate", "batchSize", "lrScheduler", "minLrRatio", "numCycles",
                      "warmupRatio", "weightDecay", "maxGradNorm", "seed", "nEvals", "trainOnInputs",
                      "loraRank", "loraAlpha", "loraDropout", "loraTargetModules",
                      "dpoVariant", "dpoBeta", "dpoNllWeight", "simpoGamma")
DPO_SETTINGS = ("dpoVariant", "dpoBeta", "dpoNllWeight", "simpoGamma")
TRAINER_OPTIONS = ("maxSeqLen", "overflow", "gradientAccumulation")


@dataclass(frozen=True)
class LoraSettings:
    rank: int = 8
    alpha: float = 16.0
    dropout: float = 0.0
    # PEFT's names: "all-linear" or layer names such as "q_proj".
    target_modules: object = ALL_LINEAR


@dataclass(frozen=True)
class DpoSettings:
    variant: str = "standard"
    beta: float = DEFAULT_DPO_BETA
    nll_weight: float = DEFAULT_DPO_NLL_WEIGHT
    simpo_gamma: float = DEFAULT_SIMPO_GAMMA


@dataclass(frozen=True)
class JobSpec:
    """The provider-neutral spec's fields with Python names; `trainer` options are this worker's own."""

    job_id: str
    base_model: str
    training_file: str
    validation_file: Optional[str] = None
    method: str = "sft"
    # A LoRA adapter to start from (a key prefix or s3://bucket/prefix of a folder with adapter_config.json and
    # adapter_model.safetensors), e.g. an earlier job's jobs/{id}/adapter/: the second stage of SFT -> DPO.
    init_adapter: Optional[str] = None
    dpo: DpoSettings = field(default_factory=DpoSettings)
    training_type: str = "lora"
    lora: LoraSettings = field(default_factory=LoraSettings)
    epochs: int = 1
    learning_rate: float = 1e-4
    batch_size: int = 8
    lr_scheduler: str = "cosine"
    min_lr_ratio: float = 0.0
    num_cycles: float = 0.5
    warmup_ratio: float = 0.0
    weight_decay: float = 0.0
    max_grad_norm: float = 1.0
    seed: int = 42
    n_evals: int = 0
    train_on_inputs: bool = False
    max_seq_len: Optional[int] = None
    overflow: str = "fail"
    gradient_accumulation: int = 1


class _Reader:
    """Reads fields of one JSON object, collecting one violation per bad field instead of stopping."""

    def __init__(self, obj, prefix):
        self.obj = obj if isinstance(obj, dict) else {}
        self.prefix = prefix
        self.violations: List[dict] = []

    def _path(self, name):
        return f"{self.prefix}.{name}" if self.prefix else name

    def bad(self, name, value, allowed):
        self.violations.append({"field": self._path(name), "value": value, "allowed": allowed})

    def refuse_unknown(self, known, why):
        for name in self.obj:
            if name not in known:
                self.bad(name, self.obj[name], why)

    def string(self, name, default=None, required=False):
        value = self.obj.get(name)
        if value is None:
            if required:
                self.bad(name, None, "a non-empty string (required)")
            return default
        if not isinstance(value, str) or not value.strip():
            self.bad(name, value, "a non-empty string")
            return default
        return value

    def choice(self, name, allowed, default):
        """Case-insensitive: the Java spec writes its enums in capitals (LORA, COSINE)."""
        value = self.obj.get(name, default)
        if isinstance(value, str) and value.lower() in allowed:
            return value.lower()
        self.bad(name, value, "one of " + ", ".join(allowed))
        return default

    def integer(self, name, low, high, default):
        value = self.obj.get(name, default)
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
            self.bad(name, value, f"an integer {low}..{high}")
            return default
        return value

    def number(self, name, low, high, default, low_inclusive=True, high_inclusive=True):
        value = self.obj.get(name, default)
        ok = isinstance(value, (int, float)) and not isinstance(value, bool)
        if ok:
            ok = (value >= low if low_inclusive else value > low) and (value <= high if high_inclusive else value < high)
        if not ok:
            self.bad(name, value, f"a number in {'[' if low_inclusive else '('}{low}, {high}{']' if high_inclusive else ')'}")
            return default
        return float(value)

    def child(self, name):
        value = self.obj.get(name)
        if value is not None and not isinstance(value, dict):
            self.bad(name, value, "a JSON object")
        return _Reader(value, self._path(name))


def _batch_size(reader):
    """A number of examples; the Java spec writes batch sizes as strings ("8"), and "max" means nothing here."""
    value = reader.obj.get("batchSize", 8)
    if isinstance(value, str) and value.strip().isdigit():
        value = int(value)
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= 4096:
        reader.bad("batchSize", value, "an integer 1..4096 (\"max\" is a hosted provider's choice; a GPU worker needs a number)")
        return 8
    return value


def _train_on_inputs(reader):
    value = reader.obj.get("trainOnInputs", "auto")
    if isinstance(value, bool):
        return value
    # AUTO: for chat data, providers mask the prompt (Together does), so only assistant tokens are trained on.
    return reader.choice("trainOnInputs", TRAIN_ON_INPUTS, "auto") == "yes"


def _target_modules(reader):
    value = reader.obj.get("loraTargetModules", [ALL_LINEAR])
    names = value.split(",") if isinstance(value, str) else value
    if not isinstance(names, list) or not names or not all(isinstance(n, str) and n.strip() for n in names):
        reader.bad("loraTargetModules", value, "[\"all-linear\"] or a list of module names (q, k, v, o, gate, up, down or layer names)")
        return ALL_LINEAR
    names = [n.strip() for n in names]
    if ALL_LINEAR in names:
        return ALL_LINEAR
    return sorted({LORA_MODULE_NAMES.get(n, n) for n in names})


def _dpo_settings(settings, method):
    """DPO's settings; on an SFT job they are refused, not ignored, like any setting that would change nothing."""
    if method != "dpo":
        for name in DPO_SETTINGS:
            if name in settings.obj:
                settings.bad(name, settings.obj[name], "applies to method DPO only")
        return DpoSettings()
    if "trainOnInputs" in settings.obj:
        settings.bad("trainOnInputs", settings.obj["trainOnInputs"], "applies to method SFT only (DPO compares the responses' tokens)")
    variant = settings.choice("dpoVariant", DPO_VARIANTS, "standard")
    if "simpoGamma" in settings.obj and variant != "simpo":
        settings.bad("simpoGamma", settings.obj["simpoGamma"], "applies to dpoVariant SIMPO only")
    return DpoSettings(
        variant=variant,
        beta=settings.number("dpoBeta", 0, 1e6, DEFAULT_DPO_BETA, low_inclusive=False),
        nll_weight=settings.number("dpoNllWeight", 0, 1e6, DEFAULT_DPO_NLL_WEIGHT),
        simpo_gamma=settings.number("simpoGamma", 0, 1e6, DEFAULT_SIMPO_GAMMA),
    )


def parse_spec(document, job_id_override=None):
    """Builds a JobSpec from the parsed JSON document, or raises SpecError listing every bad field."""
    if not isinstance(document, dict):
        raise SpecError("SPEC_NOT_OBJECT", "the job spec must be a JSON object")
    top = _Reader(document, "")
    job_id = job_id_override or top.string("jobId", required=True)
    base_model = top.string("baseModel", required=True)
    method = top.choice("method", METHODS, "sft")
    training_file = top.string("trainingFile", required=True)
    validation_file = top.string("validationFile")
    init_adapter = top.string("initAdapter")

    settings = top.child("settings")
    settings.refuse_unknown(SUPPORTED_SETTINGS, "not a setting this trainer runs (supported: " + ", ".join(SUPPORTED_SETTINGS) + ")")
    rank = settings.integer("loraRank", 1, 1024, 8)
    lora = LoraSettings(
        rank=rank,
        alpha=settings.number("loraAlpha", 0, 65536, 2.0 * rank, low_inclusive=False),
        dropout=settings.number("loraDropout", 0, 1, 0.0, high_inclusive=False),
        target_modules=_target_modules(settings),
    )
    dpo = _dpo_settings(settings, method)
    training_type = settings.choice("trainingType", TRAINING_TYPES, "lora")
    if init_adapter and training_type != "lora":
        top.bad("initAdapter", init_adapter, "a LoRA adapter continues a LoRA job only (trainingType LORA)")
    trainer = top.child("trainer")
    trainer.refuse_unknown(TRAINER_OPTIONS, "not a trainer option (known: " + ", ".join(TRAINER_OPTIONS) + ")")
    spec = JobSpec(
        job_id=job_id,
        base_model=base_model,
        training_file=training_file,
        validation_file=validation_file,
        method=method,
        init_adapter=init_adapter,
        dpo=dpo,
        training_type=training_type,
        lora=lora,
        epochs=settings.integer("epochs", 1, 1000, 1),
        learning_rate=settings.number("learningRate", 0, 1, 1e-4, low_inclusive=False),
        batch_size=_batch_size(settings),
        lr_scheduler=settings.choice("lrScheduler", SCHEDULERS, "cosine"),
        min_lr_ratio=settings.number("minLrRatio", 0, 1, 0.0),
        num_cycles=settings.number("numCycles", 0, 1000, 0.5, low_inclusive=False),
        warmup_ratio=settings.number("warmupRatio", 0, 1, 0.0),
        weight_decay=settings.number("weightDecay", 0, 1, 0.0),
        max_grad_norm=settings.number("maxGradNorm", 0, 1000, 1.0),
        seed=settings.integer("seed", 0, 2**31 - 1, 42),
        n_evals=settings.integer("nEvals", 0, 100000, 0),
        train_on_inputs=_train_on_inputs(settings),
        max_seq_len=trainer.integer("maxSeqLen", 1, 1 << 20, None),
        overflow=trainer.choice("overflow", OVERFLOW_POLICIES, "fail"),
        gradient_accumulation=trainer.integer("gradientAccumulation", 1, 1024, 1),
    )
    violations = top.violations + settings.violations + trainer.violations
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
