import pytest

from refinery_trainer.schedule import lr_factor, warmup_steps


def test_warm_up_rises_linearly_from_zero():
    assert [lr_factor(s, 100, 4, "cosine") for s in range(5)] == [0.0, 0.25, 0.5, 0.75, 1.0]


def test_linear_and_cosine_decay_end_at_the_floor():
    assert lr_factor(100, 100, 0, "linear", min_lr_ratio=0.1) == pytest.approx(0.1)
    assert lr_factor(50, 100, 0, "linear", min_lr_ratio=0.0) == pytest.approx(0.5)
    assert lr_factor(100, 100, 0, "cosine", min_lr_ratio=0.2) == pytest.approx(0.2)
    assert lr_factor(50, 100, 0, "cosine") == pytest.approx(0.5)


def test_a_full_cosine_cycle_comes_back_to_the_peak():
    assert lr_factor(100, 100, 0, "cosine", num_cycles=1.0) == pytest.approx(1.0)


def test_constant_stays_after_warm_up_and_warm_up_rounds_up():
    assert lr_factor(90, 100, 10, "constant") == 1.0
    assert warmup_steps(20, 0.1) == 2 and warmup_steps(20, 0.01) == 1 and warmup_steps(20, 0.0) == 0
