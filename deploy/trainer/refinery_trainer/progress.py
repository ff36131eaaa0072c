"""Progress: one JSON line per update on stdout (read live from the pod's log) and metrics.jsonl (kept in S3).

Every line has an "event" field; the progress line carries step, totalSteps, epoch, loss, learningRate,
tokens, tokensPerSecond and etaSeconds, so any backend can show progress and an ETA the same way.
"""

import json
import math
import sys
import time
from datetime import datetime, timezone


class ProgressReporter:
    def __init__(self, job_id, metrics_path, out=None, clock=time.monotonic, on_flush=None, flush_every_seconds=60.0):
        """on_flush(metrics_path) copies the metrics file somewhere durable; called at most every flush_every_seconds."""
        self.job_id = job_id
        self.metrics_path = metrics_path
        self.out = out or sys.stdout
        self.clock = clock
        self.total_steps = None
        self.tokens = 0
        self._step_started = None
        self._after_first_step = None
        self._steps_timed = 0
        self.on_flush = on_flush
        self.flush_every_seconds = flush_every_seconds
        self._last_flush = clock()
        open(metrics_path, "w").close()

    def emit(self, event, **fields):
        # Wall-clock time, so that a reader of the log can order these lines among Kubernetes' own events.
        line = {"event": event, "jobId": self.job_id, "time": datetime.now(timezone.utc).isoformat(timespec="milliseconds")}
        line.update({k: v for k, v in fields.items() if v is not None})
        self.out.write(json.dumps(line, separators=(",", ":")) + "\n")
        self.out.flush()
        return line

    def started(self, total_steps, **fields):
        self.total_steps = total_steps
        self._step_started = self.clock()
        return self.emit("started", totalSteps=total_steps, **fields)

    def step(self, step, epoch, loss, learning_rate, tokens, grad_norm=None, extras=None):
        """Records one optimizer step that trained on `tokens` tokens (the non-padding inputs); extras are the
        method's own metrics (DPO: rewardAccuracy, rewardMargin)."""
        now = self.clock()
        seconds = max(now - self._step_started, 1e-9)
        self._step_started = now
        self.tokens += tokens
        # The first step pays for compilation and warm-up, so the ETA is based on the steps after it.
        if self._after_first_step is None:
            self._after_first_step = now
            eta = None
        else:
            self._steps_timed += 1
            per_step = (now - self._after_first_step) / self._steps_timed
            eta = round(per_step * (self.total_steps - step), 1)
        record = {
            "kind": "train", "step": step, "totalSteps": self.total_steps, "epoch": round(epoch, 4),
            "loss": _finite(loss), "learningRate": learning_rate, "gradNorm": _finite(grad_norm),
            "tokens": self.tokens, "tokensPerSecond": round(tokens / seconds, 1), "etaSeconds": eta,
        }
        record.update(_finite_all(extras))
        self._append(record)
        return self.emit("progress", **{k: v for k, v in record.items() if k != "kind"})

    def validation(self, step, loss, extras=None):
        """extras are named as on the progress line and written with a "validation" prefix (validationRewardAccuracy)."""
        record = {"step": step, "validationLoss": _finite(loss)}
        record.update({"validation" + k[0].upper() + k[1:]: v for k, v in _finite_all(extras).items()})
        self._append(dict(kind="validation", **record))
        return self.emit("validation", **record)

    def _append(self, record):
        with open(self.metrics_path, "a", encoding="utf-8") as f:
            f.write(json.dumps({k: v for k, v in record.items() if v is not None}, separators=(",", ":")) + "\n")
        # S3 has no append: the whole file is copied again, so not after every step.
        if self.on_flush and self.clock() - self._last_flush >= self.flush_every_seconds:
            self._last_flush = self.clock()
            self.on_flush(self.metrics_path)


def _finite_all(values):
    return {name: _finite(value) for name, value in (values or {}).items()}


def _finite(value):
    if value is None:
        return None
    value = float(value)
    return round(value, 6) if math.isfinite(value) else None
