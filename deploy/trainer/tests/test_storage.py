import os

import pytest

from refinery_trainer.errors import DataError, StorageError
from refinery_trainer.storage import LocalStore, S3Store, open_store, split_reference, upload_folder


def test_local_store_round_trip_and_missing_objects(tmp_path):
    store = LocalStore(tmp_path / "bucket")
    source = tmp_path / "a.txt"
    source.write_text("hello")
    store.upload(str(source), "jobs/job-1/a.txt")
    store.download("jobs/job-1/a.txt", str(tmp_path / "back.txt"))
    assert (tmp_path / "back.txt").read_text() == "hello"
    with pytest.raises(DataError) as raised:
        store.download("datasets/none.jsonl", str(tmp_path / "x"))
    assert raised.value.code == "DATA_NOT_FOUND"
    with pytest.raises(StorageError):
        store.upload(str(source), "../escape.txt")


def test_upload_folder_keeps_relative_paths(tmp_path):
    folder = tmp_path / "adapter"
    (folder / "sub").mkdir(parents=True)
    (folder / "adapter_config.json").write_text("{}")
    (folder / "sub" / "x.bin").write_text("x")
    keys = upload_folder(LocalStore(tmp_path / "bucket"), str(folder), "jobs/job-1/adapter/")
    assert keys == ["jobs/job-1/adapter/adapter_config.json", "jobs/job-1/adapter/sub/x.bin"]
    assert os.path.isfile(tmp_path / "bucket" / "jobs" / "job-1" / "adapter" / "sub" / "x.bin")


def test_references():
    assert split_reference("s3://other/datasets/x.jsonl") == ("other", "datasets/x.jsonl")
    assert split_reference("datasets/x.jsonl") == (None, "datasets/x.jsonl")


def test_s3_without_credentials_is_a_clear_error():
    pytest.importorskip("boto3")
    with pytest.raises(StorageError) as raised:
        open_store({"REFINERY_S3_ENDPOINT": "http://127.0.0.1:1"})
    assert "REFINERY_S3_ACCESS_KEY" in raised.value.message


def test_s3_store_against_a_mocked_s3(tmp_path, monkeypatch):
    moto = pytest.importorskip("moto")
    import boto3

    for name in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN"):
        monkeypatch.delenv(name, raising=False)
    with moto.mock_aws():
        boto3.client("s3", region_name="us-east-1").create_bucket(Bucket="refinery")
        store = open_store({"REFINERY_S3_ACCESS_KEY": "k", "REFINERY_S3_SECRET_KEY": "s", "REFINERY_S3_BUCKET": "refinery"})
        assert isinstance(store, S3Store)
        source = tmp_path / "train.jsonl"
        source.write_text("{}\n")
        store.upload(str(source), "datasets/ds-1/train.jsonl")
        store.download("datasets/ds-1/train.jsonl", str(tmp_path / "back.jsonl"))
        assert (tmp_path / "back.jsonl").read_text() == "{}\n"
        with pytest.raises(DataError) as raised:
            store.download("datasets/ds-1/none.jsonl", str(tmp_path / "none"))
        assert raised.value.where == {"bucket": "refinery", "key": "datasets/ds-1/none.jsonl"}
