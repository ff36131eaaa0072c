"""The command's contract without a model: exit codes, one JSON error line, termination message, result.json."""

import json

import trainer


def run_trainer(tmp_path, capsys, spec, files=None, environ=None):
    bucket = tmp_path / "bucket"
    for key, text in (files or {}).items():
        (bucket / key).parent.mkdir(parents=True, exist_ok=True)
        (bucket / key).write_text(text)
    spec_path = tmp_path / "spec.json"
    spec_path.write_text(spec if isinstance(spec, str) else json.dumps(spec))
    termination = tmp_path / "termination-log"
    code = trainer.main(["--spec", str(spec_path), "--work-dir", str(tmp_path / "work")],
                        environ=dict(environ or {}, REFINERY_TRAINER_LOCAL_STORE=str(bucket), REFINERY_TERMINATION_LOG=str(termination)))
    last = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    return code, last, bucket, termination


def spec(**extra):
    document = {"jobId": "job-7", "baseModel": "tiny", "trainingFile": "datasets/ds-1/train.jsonl"}
    document.update(extra)
    return document


def test_a_bad_spec_exits_2_with_one_json_line_and_a_termination_message(tmp_path, capsys):
    code, last, _, termination = run_trainer(tmp_path, capsys, spec(settings={"epochs": 0}),
                                             environ={"REFINERY_JOB_ID": "job-7"})
    assert code == 2
    assert last["event"] == "error" and last["code"] == "SPEC_FIELD_INVALID" and last["jobId"] == "job-7"
    assert last["where"]["violations"][0]["field"] == "settings.epochs"
    assert json.loads(termination.read_text())["code"] == "SPEC_FIELD_INVALID"


def test_dpo_reads_preference_records_and_lists_bad_ones_before_any_model_is_loaded(tmp_path, capsys):
    good = json.dumps({"input": {"messages": [{"role": "user", "content": "Q"}]},
                       "preferred_output": [{"role": "assistant", "content": "A"}],
                       "non_preferred_output": [{"role": "assistant", "content": "B"}]})
    chat = json.dumps({"messages": [{"role": "user", "content": "Q"}, {"role": "assistant", "content": "A"}]})
    code, last, bucket, _ = run_trainer(tmp_path, capsys, spec(method="DPO"),
                                        files={"datasets/ds-1/train.jsonl": good + "\n" + chat + "\n"})
    assert (code, last["code"]) == (2, "DATA_RECORDS_INVALID")
    assert [(p["line"], p["code"]) for p in last["where"]["problems"]] == [(2, "DATA_NOT_PREFERENCE_RECORD")]
    result = json.loads((bucket / "jobs" / "job-7" / "result.json").read_text())
    assert result["status"] == "FAILED" and result["exitCode"] == 2


def test_a_missing_starting_adapter_is_named_before_any_model_is_loaded(tmp_path, capsys):
    chat = json.dumps({"messages": [{"role": "user", "content": "Q"}, {"role": "assistant", "content": "A"}]})
    code, last, _, _ = run_trainer(tmp_path, capsys, spec(initAdapter="jobs/job-1/adapter/"),
                                   files={"datasets/ds-1/train.jsonl": chat + "\n"})
    assert (code, last["code"]) == (2, "INIT_ADAPTER_NOT_FOUND")
    assert last["where"] == {"field": "initAdapter", "key": "jobs/job-1/adapter/adapter_config.json"}


def test_a_starting_adapter_of_another_base_model_is_refused(tmp_path, capsys):
    chat = json.dumps({"messages": [{"role": "user", "content": "Q"}, {"role": "assistant", "content": "A"}]})
    code, last, _, _ = run_trainer(tmp_path, capsys, spec(initAdapter="s3://ignored-locally/jobs/job-1/adapter"), files={
        "datasets/ds-1/train.jsonl": chat + "\n",
        "jobs/job-1/adapter/adapter_config.json": json.dumps({"base_model_name_or_path": "other-model", "r": 8}),
        "jobs/job-1/adapter/adapter_model.safetensors": "weights"})
    assert (code, last["code"]) == (2, "INIT_ADAPTER_BASE_MISMATCH")
    assert last["where"]["adapterBaseModel"] == "other-model"


def test_a_missing_dataset_names_the_object(tmp_path, capsys):
    code, last, _, _ = run_trainer(tmp_path, capsys, spec())
    assert (code, last["code"]) == (2, "DATA_NOT_FOUND")
    assert last["where"]["key"] == "datasets/ds-1/train.jsonl"


def test_invalid_records_are_listed_before_any_model_is_loaded(tmp_path, capsys):
    code, last, _, _ = run_trainer(tmp_path, capsys, spec(), files={"datasets/ds-1/train.jsonl": "{}\nnot json\n"})
    assert (code, last["code"]) == (2, "DATA_RECORDS_INVALID")
    assert [p["line"] for p in last["where"]["problems"]] == [1, 2]


def test_an_unexpected_failure_exits_1_without_a_stack_trace(tmp_path, capsys, monkeypatch):
    def explode(*args):
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(trainer, "run", explode)
    code, last, _, _ = run_trainer(tmp_path, capsys, spec())
    assert (code, last["code"], last["message"]) == (1, "TRAINER_CRASHED", "RuntimeError: disk on fire")
