"""The preference losses on hand-made log-probabilities: known values, gradient signs, no model."""

import math

import pytest

torch = pytest.importorskip("torch")

from refinery_trainer.dpo import preference_loss, reward_metrics  # noqa: E402
from refinery_trainer.spec import DpoSettings  # noqa: E402


def t(*values):
    return torch.tensor(values, dtype=torch.float64, requires_grad=True)


def softplus(x):
    """-log sigmoid(x) = log(1 + e^-x)."""
    return math.log1p(math.exp(-x))


def test_standard_dpo_compares_the_log_ratios_of_the_two_responses():
    pc, pr, rc, rr = t(-10.0), t(-12.0), t(-11.0), t(-11.0)
    loss, chosen_reward, rejected_reward = preference_loss(pc, pr, rc, rr, 3.0, 5.0, DpoSettings(beta=0.1))
    # beta * ((pc - rc) - (pr - rr)) = 0.1 * (1 - (-1)) = 0.2
    assert loss.item() == pytest.approx(softplus(0.2))
    assert (chosen_reward.item(), rejected_reward.item()) == (pytest.approx(0.1), pytest.approx(-0.1))
    loss.sum().backward()
    sigma = 1 / (1 + math.exp(0.2))  # sigmoid(-0.2)
    assert pc.grad.item() == pytest.approx(-0.1 * sigma)  # raising the chosen response lowers the loss
    assert pr.grad.item() == pytest.approx(0.1 * sigma)   # raising the rejected one raises it


def test_a_policy_equal_to_its_reference_starts_at_log_2_with_no_margin():
    same = t(-7.0, -3.0)
    loss, chosen_reward, rejected_reward = preference_loss(same, same * 2, same, same * 2, 4.0, 4.0, DpoSettings())
    assert loss.tolist() == pytest.approx([math.log(2)] * 2)
    assert reward_metrics(chosen_reward, rejected_reward) == {"correct": 0, "margin": 0.0}


def test_length_normalised_dpo_divides_each_log_ratio_by_its_response_length():
    pc, pr, rc, rr = t(-10.0), t(-12.0), t(-11.0), t(-11.0)
    loss, chosen_reward, rejected_reward = preference_loss(pc, pr, rc, rr, torch.tensor([2.0]), torch.tensor([4.0]),
                                                           DpoSettings(variant="length_normalized", beta=0.1))
    # 0.1 * (1 / 2 - (-1) / 4) = 0.075
    assert loss.item() == pytest.approx(softplus(0.075))
    assert chosen_reward.item() - rejected_reward.item() == pytest.approx(0.075)


def test_simpo_is_reference_free_and_subtracts_its_target_margin():
    pc, pr = t(-4.0), t(-12.0)
    ignored = t(1000.0)
    loss, chosen_reward, rejected_reward = preference_loss(pc, pr, ignored, -ignored, 2.0, 4.0,
                                                           DpoSettings(variant="simpo", beta=2.0, simpo_gamma=0.5))
    # 2 * (-4 / 2 - (-12 / 4)) - 0.5 = 1.5
    assert loss.item() == pytest.approx(softplus(1.5))
    assert (chosen_reward.item(), rejected_reward.item()) == (pytest.approx(-4.0), pytest.approx(-6.0))
    loss.sum().backward()
    assert pc.grad.item() < 0 < pr.grad.item()
    assert ignored.grad is None


def test_the_nll_term_adds_the_chosen_responses_loss_per_token_times_its_weight():
    args = (t(-10.0), t(-12.0), t(-11.0), t(-11.0), 5.0, 5.0)
    plain, _, _ = preference_loss(*args, DpoSettings(beta=0.1))
    with_nll, _, _ = preference_loss(*args, DpoSettings(beta=0.1, nll_weight=0.5))
    assert with_nll.item() - plain.item() == pytest.approx(0.5 * 10.0 / 5.0)


def test_reward_metrics_count_pairs_won_and_sum_margins():
    chosen, rejected = torch.tensor([0.3, -0.1, 0.2]), torch.tensor([0.1, 0.0, 0.2])
    metrics = reward_metrics(chosen, rejected)
    assert metrics["correct"] == 1  # a tie is not a win
    assert metrics["margin"] == pytest.approx(0.2 - 0.1 + 0.0)
