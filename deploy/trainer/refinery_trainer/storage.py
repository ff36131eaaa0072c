"""Object storage: the platform's S3 bucket, or a local folder standing in for it (tests, local runs).

Keys are the platform's layout (``datasets/{id}/validated/train.jsonl``, ``jobs/{id}/adapter/...``).
Objects are moved as files, so large datasets and adapters are streamed, never held in memory.
"""

import os
import shutil

from .errors import StorageError, DataError


class LocalStore:
    """A folder whose files are the objects; a key is a relative path inside it."""

    def __init__(self, root):
        self.root = os.path.abspath(root)

    def _path(self, key):
        path = os.path.abspath(os.path.join(self.root, key))
        if not path.startswith(self.root + os.sep):
            raise StorageError("STORAGE_KEY_INVALID", f"key escapes the store: {key}", where={"key": key})
        return path

    def download(self, key, destination, bucket=None):
        # A local store has one "bucket": the folder itself.
        source = self._path(key)
        if not os.path.isfile(source):
            raise DataError("DATA_NOT_FOUND", f"no object {key} in {self.root}", where={"key": key})
        shutil.copyfile(source, destination)

    def upload(self, source, key):
        target = self._path(key)
        os.makedirs(os.path.dirname(target), exist_ok=True)
        tmp = target + ".part"
        shutil.copyfile(source, tmp)
        os.replace(tmp, target)

    def describe(self, key):
        return self._path(key)


class S3Store:
    """One bucket of an S3-compatible server through boto3 (path-style, as our services use)."""

    def __init__(self, bucket, client):
        self.bucket = bucket
        self.client = client

    @classmethod
    def from_environment(cls, environ):
        import boto3  # imported here so that runs against a local folder need no AWS SDK
        from botocore.config import Config

        missing = [name for name in ("REFINERY_S3_ACCESS_KEY", "REFINERY_S3_SECRET_KEY") if not environ.get(name)]
        if missing:
            raise StorageError("STORAGE_NOT_CONFIGURED", "object storage credentials missing: " + ", ".join(missing))
        client = boto3.client(
            "s3",
            endpoint_url=environ.get("REFINERY_S3_ENDPOINT") or None,
            aws_access_key_id=environ["REFINERY_S3_ACCESS_KEY"],
            aws_secret_access_key=environ["REFINERY_S3_SECRET_KEY"],
            region_name=environ.get("REFINERY_S3_REGION", "us-east-1"),
            config=Config(s3={"addressing_style": "path"}, retries={"max_attempts": 5, "mode": "standard"}),
        )
        return cls(environ.get("REFINERY_S3_BUCKET", "refinery"), client)

    def download(self, key, destination, bucket=None):
        from botocore.exceptions import ClientError

        bucket = bucket or self.bucket
        try:
            self.client.download_file(bucket, key, destination)
        except ClientError as e:
            status = e.response.get("Error", {}).get("Code")
            if status in ("404", "NoSuchKey", "NotFound"):
                raise DataError("DATA_NOT_FOUND", f"no object {key} in bucket {bucket}",
                                where={"bucket": bucket, "key": key})
            raise StorageError("STORAGE_READ_FAILED", f"cannot read {key}: {e}", where={"key": key})

    def upload(self, source, key):
        from botocore.exceptions import BotoCoreError, ClientError

        try:
            self.client.upload_file(source, self.bucket, key)
        except (BotoCoreError, ClientError) as e:
            raise StorageError("STORAGE_WRITE_FAILED", f"cannot write {key}: {e}", where={"key": key})

    def describe(self, key):
        return f"s3://{self.bucket}/{key}"


def open_store(environ=os.environ):
    """REFINERY_TRAINER_LOCAL_STORE names a folder to use instead of S3; otherwise REFINERY_S3_* apply."""
    local = environ.get("REFINERY_TRAINER_LOCAL_STORE")
    if local:
        return LocalStore(local)
    return S3Store.from_environment(environ)


def upload_folder(store, folder, prefix):
    """Uploads every file under folder to prefix/..., returning the keys in a stable order."""
    keys = []
    for directory, _, files in sorted(os.walk(folder)):
        for name in sorted(files):
            path = os.path.join(directory, name)
            key = prefix.rstrip("/") + "/" + os.path.relpath(path, folder).replace(os.sep, "/")
            store.upload(path, key)
            keys.append(key)
    return keys


def split_reference(reference):
    """'s3://bucket/key' -> (bucket, key); a plain key -> (None, key), meaning the configured bucket."""
    if reference.startswith("s3://"):
        bucket, _, key = reference[len("s3://"):].partition("/")
        return bucket, key
    return None, reference.lstrip("/")
