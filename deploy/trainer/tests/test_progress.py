import io
import json

from refinery_trainer.progress import ProgressReporter


class FakeClock:
    def __init__(self):
        self.now = 100.0

    def __call__(self):
        return self.now


def test_progress_lines_carry_tokens_per_second_and_an_eta_from_the_steps_after_the_first(tmp_path):
    clock, out, flushed = FakeClock(), io.StringIO(), []
    reporter = ProgressReporter("job-1", str(tmp_path / "metrics.jsonl"), out=out, clock=clock,
                                on_flush=flushed.append, flush_every_seconds=25)
    reporter.started(10)
    for step, seconds in enumerate([30.0, 10.0, 12.0], start=1):  # the first step is slow (warm-up)
        clock.now += seconds
        reporter.step(step, step / 10, 2.0 / step, 1e-3, 500)
    lines = [json.loads(line) for line in out.getvalue().splitlines()]
    assert [line["event"] for line in lines] == ["started", "progress", "progress", "progress"]
    first, last = lines[1], lines[3]
    assert "etaSeconds" not in first
    assert last["etaSeconds"] == 11.0 * 7  # (10 + 12) / 2 seconds per step, 7 steps to go
    assert last["tokensPerSecond"] == round(500 / 12.0, 1)
    assert last["tokens"] == 1500 and last["totalSteps"] == 10 and last["jobId"] == "job-1"
    metrics = [json.loads(line) for line in open(tmp_path / "metrics.jsonl")]
    assert [m["step"] for m in metrics] == [1, 2, 3] and metrics[2]["loss"] == round(2.0 / 3, 6)
    assert len(flushed) == 1  # 30, 10, 12 s: only the first step reached the 25 s interval since the last copy
    clock.now += 30
    reporter.validation(3, 1.5)
    assert len(flushed) == 2
    last_line = json.loads(out.getvalue().splitlines()[-1])
    assert last_line.pop("time").endswith("+00:00")
    assert last_line == {"event": "validation", "jobId": "job-1", "step": 3, "validationLoss": 1.5}


def test_a_non_finite_loss_is_written_as_absent(tmp_path):
    out = io.StringIO()
    reporter = ProgressReporter("job-1", str(tmp_path / "m.jsonl"), out=out, clock=FakeClock())
    reporter.started(1)
    line = reporter.step(1, 1.0, float("nan"), 1e-3, 10)
    assert "loss" not in line
