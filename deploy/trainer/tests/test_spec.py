import json

import pytest

from refinery_trainer.errors import SpecError
from refinery_trainer.spec import load_spec, parse_spec


def minimal(**extra):
    spec = {"jobId": "job-1", "baseModel": "tiny", "trainingFile": "datasets/ds-1/validated/train.jsonl"}
    spec.update(extra)
    return spec


def test_defaults_fill_what_the_spec_leaves_out():
    spec = parse_spec(minimal())
    assert (spec.method, spec.training_type, spec.epochs, spec.lr_scheduler, spec.overflow) == ("sft", "lora", 1, "cosine", "fail")
    assert spec.lora.alpha == 2 * spec.lora.rank
    assert spec.lora.target_modules == "all-linear"


def test_short_lora_module_names_become_layer_names():
    spec = parse_spec(minimal(lora={"rank": 4, "alpha": 8, "dropout": 0.1, "targetModules": ["q", "v", "lm_head"]}))
    assert spec.lora.target_modules == ["lm_head", "q_proj", "v_proj"]
    assert (spec.lora.rank, spec.lora.alpha, spec.lora.dropout) == (4, 8.0, 0.1)


def test_every_bad_field_is_reported_at_once():
    with pytest.raises(SpecError) as raised:
        parse_spec({"jobId": "job-1", "method": "ppo", "lora": {"rank": 0},
                    "hyperparameters": {"epochs": "two", "learningRate": 0, "lrScheduler": "step", "seed": True}})
    fields = [v["field"] for v in raised.value.where["violations"]]
    assert fields == ["baseModel", "method", "trainingFile", "lora.rank",
                      "hyperparameters.epochs", "hyperparameters.learningRate", "hyperparameters.lrScheduler", "hyperparameters.seed"]
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
