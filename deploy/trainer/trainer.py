#!/usr/bin/env python3
"""Refinery GPU trainer: runs one fine-tuning job from its job spec and writes the result to object storage.

    python trainer.py --spec /etc/refinery/job/spec.json

Outputs under jobs/{jobId}/: adapter/ (LoRA) or model/ (full), metrics.jsonl, result.json.
Exit codes: 0 succeeded, 2 bad spec or data (retrying cannot help), 1 crash or storage trouble.
"""

import argparse
import json
import os
import sys
import tempfile
import time
from datetime import datetime, timezone

from refinery_trainer.errors import TrainerError, EXIT_OK, EXIT_CRASH, EXIT_USER_ERROR
from refinery_trainer.progress import ProgressReporter
from refinery_trainer.spec import load_spec
from refinery_trainer.storage import open_store, split_reference, upload_folder
from refinery_trainer import data

# Kubernetes shows this file's content as the container's termination message, so the backend learns
# why a pod ended from the pod's status alone, even after its log is gone.
TERMINATION_LOG = "/dev/termination-log"


def resolve_model(base_model, environ):
    """A folder under REFINERY_TRAINER_MODELS_DIR, a folder path, or else a Hugging Face Hub id."""
    models_dir = environ.get("REFINERY_TRAINER_MODELS_DIR")
    if models_dir and os.path.isdir(os.path.join(models_dir, base_model)):
        return os.path.join(models_dir, base_model)
    return base_model


def fetch_dataset(store, reference, work_dir, name):
    bucket, key = split_reference(reference)
    path = os.path.join(work_dir, name)
    store.download(key, path, bucket=bucket)
    return path, store.describe(key) if bucket is None else reference


# What a LoRA job's output folder holds (sft.save): enough to load the adapter back as a starting point.
ADAPTER_FILES = ("adapter_config.json", "adapter_model.safetensors")


def fetch_init_adapter(store, reference, base_model, work_dir):
    """Downloads the starting adapter (initAdapter: a folder key or s3://bucket/folder) and checks it was trained on
    this job's base model, whose name the trainer wrote into its adapter_config.json."""
    bucket, prefix = split_reference(reference)
    folder = os.path.join(work_dir, "init-adapter")
    os.makedirs(folder, exist_ok=True)
    for name in ADAPTER_FILES:
        key = prefix.rstrip("/") + "/" + name
        try:
            store.download(key, os.path.join(folder, name), bucket=bucket)
        except TrainerError as e:
            if e.code != "DATA_NOT_FOUND":
                raise
            raise TrainerError("INIT_ADAPTER_NOT_FOUND", f"the starting adapter has no {name} under {reference}",
                               where={"field": "initAdapter", "key": key})
    with open(os.path.join(folder, "adapter_config.json"), encoding="utf-8") as f:
        trained_on = json.load(f).get("base_model_name_or_path")
    if trained_on and trained_on != base_model:
        raise TrainerError("INIT_ADAPTER_BASE_MISMATCH",
                           f"the starting adapter was trained on {trained_on}, not on this job's baseModel {base_model}",
                           where={"field": "initAdapter", "adapterBaseModel": trained_on})
    return folder


def read_datasets(spec, store, work_dir):
    """(train records, train source, validation records or None, validation source): chat records for SFT,
    preference records for DPO."""
    read = data.read_preference_jsonl if spec.method == "dpo" else data.read_chat_jsonl
    train_path, train_source = fetch_dataset(store, spec.training_file, work_dir, "train.jsonl")
    train_records = read(train_path, train_source)
    validation_records, validation_source = None, None
    if spec.validation_file:
        validation_path, validation_source = fetch_dataset(store, spec.validation_file, work_dir, "validation.jsonl")
        validation_records = read(validation_path, validation_source)
    return train_records, train_source, validation_records, validation_source


def run(spec, store, work_dir, reporter, environ):
    from refinery_trainer import sft, dpo

    method = dpo if spec.method == "dpo" else sft
    started = time.time()
    train_records, train_source, validation_records, validation_source = read_datasets(spec, store, work_dir)
    init_adapter_dir = fetch_init_adapter(store, spec.init_adapter, spec.base_model, work_dir) if spec.init_adapter else None

    model_dir = resolve_model(spec.base_model, environ)
    tokenizer = sft.load_tokenizer(model_dir)
    context = sft.context_length(model_dir, tokenizer)
    train_examples, dropped = method.encode_dataset(train_records, tokenizer, spec, train_source, context)
    validation_examples = None
    if validation_records:
        validation_examples, _ = method.encode_dataset(validation_records, tokenizer, spec, validation_source, context)

    device, use_bf16 = sft.choose_device()
    model = sft.load_model(model_dir, spec, device, use_bf16, init_adapter_dir)
    pad_id = tokenizer.pad_token_id if tokenizer.pad_token_id is not None else (tokenizer.eos_token_id or 0)
    summary = method.train(spec, model, train_examples, validation_examples, pad_id, device, use_bf16, reporter)

    output = os.path.join(work_dir, "output")
    sft.save(model, tokenizer, spec, output)
    kind = "adapter" if spec.training_type == "lora" else "model"
    prefix = f"jobs/{spec.job_id}/{kind}"
    keys = upload_folder(store, output, prefix)
    summary.update({
        "status": "SUCCEEDED", "jobId": spec.job_id, "baseModel": spec.base_model, "method": spec.method,
        "trainingType": spec.training_type, "initAdapter": spec.init_adapter, "outputPrefix": prefix + "/", "outputKeys": keys,
        "trainedExamples": len(train_examples), "droppedLines": dropped, "durationSeconds": round(time.time() - started, 1),
        "device": str(device), "versions": sft.library_versions(),
    })
    return summary


def write_termination_message(line, environ):
    path = environ.get("REFINERY_TERMINATION_LOG", TERMINATION_LOG)
    try:
        with open(path, "w", encoding="utf-8") as f:
            f.write(json.dumps(line, separators=(",", ":"))[:4000])  # Kubernetes keeps at most 4096 bytes
    except OSError:
        pass  # not in a pod: the stdout line is enough


def upload_json(store, key, document, work_dir):
    path = os.path.join(work_dir, os.path.basename(key))
    with open(path, "w", encoding="utf-8") as f:
        json.dump(document, f, indent=2)
    store.upload(path, key)


def main(argv=None, environ=os.environ):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--spec", help="job spec JSON file (default: $REFINERY_JOB_SPEC or inline $REFINERY_JOB_SPEC_JSON)")
    parser.add_argument("--work-dir", help="scratch folder (default: a temporary one)")
    args = parser.parse_args(argv)

    # The backend also passes the id in the environment, so that even a spec that cannot be read is attributed.
    job_id, store, reporter, work_dir = environ.get("REFINERY_JOB_ID"), None, None, None
    try:
        spec = load_spec(args.spec, environ)
        job_id = spec.job_id
        store = open_store(environ)
        work_dir = args.work_dir or tempfile.mkdtemp(prefix=f"refinery-{job_id}-")
        os.makedirs(work_dir, exist_ok=True)
        metrics_key = f"jobs/{job_id}/metrics.jsonl"
        reporter = ProgressReporter(job_id, os.path.join(work_dir, "metrics.jsonl"),
                                    on_flush=lambda path: store.upload(path, metrics_key),
                                    flush_every_seconds=float(environ.get("REFINERY_TRAINER_METRICS_UPLOAD_SECONDS", "60")))
        result = run(spec, store, work_dir, reporter, environ)
        store.upload(reporter.metrics_path, metrics_key)
        upload_json(store, f"jobs/{job_id}/result.json", result, work_dir)
        final = {"event": "completed", "jobId": job_id, "outputPrefix": result["outputPrefix"], "steps": result["steps"],
                 "finalTrainLoss": result["finalTrainLoss"], "finalValidationLoss": result["finalValidationLoss"]}
        final.update({k: v for k, v in result.items() if k.startswith("final") and k not in final})  # DPO's reward metrics
        exit_code = EXIT_OK
    except TrainerError as e:
        final, exit_code = e.to_json(), e.exit_code
    except KeyboardInterrupt:
        final, exit_code = {"event": "error", "code": "TRAINER_INTERRUPTED", "message": "interrupted"}, EXIT_CRASH
    except Exception as e:  # the last line of defence: one JSON line, not a stack trace, says what broke
        final = {"event": "error", "code": "TRAINER_CRASHED", "message": f"{type(e).__name__}: {e}"}
        exit_code = EXIT_CRASH
    if job_id:
        final["jobId"] = job_id
    final["time"] = datetime.now(timezone.utc).isoformat(timespec="milliseconds")
    if exit_code != EXIT_OK and store is not None and work_dir is not None:
        try:
            if reporter is not None:
                store.upload(reporter.metrics_path, f"jobs/{job_id}/metrics.jsonl")
            upload_json(store, f"jobs/{job_id}/result.json", dict(final, status="FAILED", exitCode=exit_code), work_dir)
        except Exception:
            pass  # storage may be the very thing that failed; the log line and termination message remain
    print(json.dumps(final, separators=(",", ":")), flush=True)
    write_termination_message(final, environ)
    return exit_code


if __name__ == "__main__":
    sys.exit(main())
