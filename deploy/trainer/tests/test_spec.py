import json

import pytest

from refinery_trainer.errors import SpecError
from refinery_trainer.spec import load_spec, parse_spec


def minimal(**extra):
    spec = {"jobId": "job-1", "baseModel": "tiny", "method": "SFT", "trainingFile": "datasets/ds-1/validated/train.jsonl"}
    spec.update(extra)
    return spec


def test_defaults_fill_what_the_spec_leaves_out():
    spec = parse_spec(minimal())
    assert (spec.method, spec.training_type, spec.epochs, spec.lr_scheduler, spec.overflow) == ("sft", "lora", 1, "cosine", "fail")
    assert spec.lora.alpha == 2 * spec.lora.rank
    assert spec.lora.target_modules == "all-linear"
    assert spec.train_on_inputs is False  # AUTO on chat data: assistant tokens only


def test_the_java_specs_names_and_spellings_are_read():
    spec = parse_spec(minimal(settings={
        "trainingType": "LORA", "lrScheduler": "LINEAR", "batchSize": "16", "trainOnInputs": "YES", "seed": 7,
        "loraRank": 4, "loraAlpha": 8.0, "loraDropout": 0.1, "loraTargetModules": ["q", "v", "lm_head"],
        "minLrRatio": 0.1, "nEvals": 3}, trainer={"maxSeqLen": 512, "overflow": "truncate", "gradientAccumulation": 2}))
    assert (spec.lr_scheduler, spec.batch_size, spec.train_on_inputs, spec.seed) == ("linear", 16, True, 7)
    assert spec.lora.target_modules == ["lm_head", "q_proj", "v_proj"]
    assert (spec.lora.rank, spec.lora.alpha, spec.lora.dropout) == (4, 8.0, 0.1)
    assert (spec.min_lr_ratio, spec.n_evals, spec.max_seq_len, spec.overflow, spec.gradient_accumulation) == (0.1, 3, 512, "truncate", 2)


def test_every_bad_field_is_reported_at_once_and_unknown_settings_are_refused():
    with pytest.raises(SpecError) as raised:
        parse_spec({"jobId": "job-1", "method": "ppo", "settings": {
            "loraRank": 0, "epochs": "two", "learningRate": 0, "lrScheduler": "step", "seed": True,
            "batchSize": "max", "suffix": "mine"}})
    fields = sorted(v["field"] for v in raised.value.where["violations"])
    assert fields == sorted(["baseModel", "method", "trainingFile", "settings.suffix", "settings.loraRank", "settings.epochs",
                             "settings.learningRate", "settings.batchSize", "settings.lrScheduler", "settings.seed"])
    assert raised.value.code == "SPEC_FIELD_INVALID"
    assert raised.value.exit_code == 2


def test_a_spec_file_that_is_not_json_says_where(tmp_path):
    path = tmp_path / "spec.json"
    path.write_text('{\n  "jobId": "job-1",\n  oops\n}')
    with pytest.raises(SpecError) as raised:
        load_spec(str(path), environ={})
    assert raised.value.code == "SPEC_NOT_JSON"
    assert raised.value.where["line"] == 3


def test_inline_spec_and_job_id_from_the_environment():
    spec = load_spec(None, environ={"REFINERY_JOB_SPEC_JSON": json.dumps(minimal()), "REFINERY_JOB_ID": "job-from-env"})
    assert spec.job_id == "job-from-env"


def test_no_spec_at_all_is_a_clear_error():
    with pytest.raises(SpecError) as raised:
        load_spec(None, environ={})
    assert raised.value.code == "SPEC_NOT_FOUND"


def test_dpo_defaults_are_togethers():
    spec = parse_spec(minimal(method="DPO"))
    assert (spec.method, spec.dpo.variant, spec.dpo.beta, spec.dpo.nll_weight, spec.dpo.simpo_gamma) == ("dpo", "standard", 0.1, 0.0, 0.0)
    assert spec.init_adapter is None


def test_dpo_settings_as_the_java_spec_writes_them():
    spec = parse_spec(minimal(method="DPO", initAdapter="s3://refinery/jobs/job-0/adapter/", settings={
        "dpoVariant": "SIMPO", "dpoBeta": 2, "dpoNllWeight": 0.5, "simpoGamma": 1.0}))
    assert (spec.dpo.variant, spec.dpo.beta, spec.dpo.nll_weight, spec.dpo.simpo_gamma) == ("simpo", 2.0, 0.5, 1.0)
    assert spec.init_adapter == "s3://refinery/jobs/job-0/adapter/"
    assert parse_spec(minimal(method="dpo", settings={"dpoVariant": "LENGTH_NORMALIZED"})).dpo.variant == "length_normalized"


def test_dpo_settings_out_of_place_or_range_are_refused_never_ignored():
    with pytest.raises(SpecError) as raised:
        parse_spec(minimal(settings={"dpoBeta": 0.2}))  # an SFT job
    assert [v["field"] for v in raised.value.where["violations"]] == ["settings.dpoBeta"]
    with pytest.raises(SpecError) as raised:
        parse_spec(minimal(method="DPO", settings={"dpoVariant": "IPO", "dpoBeta": 0, "dpoNllWeight": -1,
                                                   "simpoGamma": 0.5, "trainOnInputs": "YES"}))
    assert sorted(v["field"] for v in raised.value.where["violations"]) == sorted([
        "settings.dpoVariant", "settings.dpoBeta", "settings.dpoNllWeight", "settings.simpoGamma", "settings.trainOnInputs"])


def test_a_starting_adapter_needs_a_lora_job():
    with pytest.raises(SpecError) as raised:
        parse_spec(minimal(initAdapter="jobs/job-0/adapter/", settings={"trainingType": "FULL"}))
    assert [v["field"] for v in raised.value.where["violations"]] == ["initAdapter"]
