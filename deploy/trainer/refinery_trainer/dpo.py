"""Direct preference optimisation: the variants of dev.refinery.providers.spec.DpoVariant, and DPO+NLL.

For a pair (chosen y_c, rejected y_r) of responses to one prompt, with summed log-probabilities of the response
tokens under the policy (pc, pr) and under the reference model (rc, rr), and |y| the response's token count:

    STANDARD           loss = -log sigmoid(beta * ((pc - rc) - (pr - rr)))
    LENGTH_NORMALIZED  loss = -log sigmoid(beta * ((pc - rc) / |y_c| - (pr - rr) / |y_r|))
    SIMPO              loss = -log sigmoid(beta * (pc / |y_c| - pr / |y_r|) - gamma)      (no reference model)
    DPO+NLL            any of them + dpoNllWeight * (-pc / |y_c|)  (the chosen response's NLL per token)

The implicit reward of a response is the beta-scaled term it contributes (beta * (pc - rc) for STANDARD); the
progress lines report the share of pairs whose chosen reward is the higher (rewardAccuracy) and the mean of chosen
minus rejected reward (rewardMargin).

The reference is the model as training starts, scored once before the first step, so no second copy of the model
is kept: a fresh LoRA adapter is switched off for it (PEFT's disable_adapter(), the base model); a starting adapter
(initAdapter, e.g. an SFT job's) is part of the reference, which is how SFT -> DPO is meant to work; full fine-tuning
scores with the initial weights.
"""

from dataclasses import dataclass

from .data import encode_pair, fit_pairs_to_length
from . import loop
from .loop import WindowResult, check_finite


@dataclass(frozen=True)
class ScoredPair:
    """An encoded pair with the reference model's summed log-probabilities of its two responses."""
    pair: object  # data.EncodedPair
    reference_chosen: float
    reference_rejected: float

    @property
    def tokens(self):
        return self.pair.tokens


# --- the loss, on tensors: no model needed ---------------------------------------------------------------------------

def preference_loss(policy_chosen, policy_rejected, reference_chosen, reference_rejected, chosen_tokens, rejected_tokens,
                    settings):
    """Per-pair loss and the chosen and rejected implicit rewards (detached), all tensors of shape [pairs].

    settings: spec.DpoSettings (variant, beta, nll_weight, simpo_gamma). Log-probabilities are sums over the
    response tokens; token counts are floats or tensors of the same shape.
    """
    import torch.nn.functional as F

    if settings.variant == "simpo":
        chosen_reward = settings.beta * policy_chosen / chosen_tokens
        rejected_reward = settings.beta * policy_rejected / rejected_tokens
        logits = chosen_reward - rejected_reward - settings.simpo_gamma
    else:
        chosen_ratio = policy_chosen - reference_chosen
        rejected_ratio = policy_rejected - reference_rejected
        if settings.variant == "length_normalized":
            chosen_ratio = chosen_ratio / chosen_tokens
            rejected_ratio = rejected_ratio / rejected_tokens
        chosen_reward = settings.beta * chosen_ratio
        rejected_reward = settings.beta * rejected_ratio
        logits = chosen_reward - rejected_reward
    loss = -F.logsigmoid(logits)
    if settings.nll_weight > 0:
        # DPO+NLL (Together's rpo_alpha): keeps the chosen answer likely while the pair's margin grows.
        loss = loss + settings.nll_weight * (-policy_chosen / chosen_tokens)
    return loss, chosen_reward.detach(), rejected_reward.detach()


def reward_metrics(chosen_reward, rejected_reward):
    """Sums over the pairs (so that windows add up): correct pairs and chosen-minus-rejected margins."""
    return {"correct": (chosen_reward > rejected_reward).sum().item(), "margin": (chosen_reward - rejected_reward).sum().item()}


# --- data -------------------------------------------------------------------------------------------------------------

def encode_dataset(records, tokenizer, spec, source, context_length):
    """Preference records -> EncodedPairs that fit maxSeqLen (the SFT path's template and offsets machinery)."""
    from .sft import chat_codec, max_seq_len_for

    render, encode_with_offsets = chat_codec(tokenizer)
    max_seq_len = max_seq_len_for(spec, context_length)
    encoded = [encode_pair(r, render, encode_with_offsets) for r in records]
    return fit_pairs_to_length(encoded, max_seq_len, spec.overflow, source)


# --- log-probabilities --------------------------------------------------------------------------------------------------

def sequence_log_probs(model, examples, pad_id, device, autocast):
    """Summed log-probability of each example's target tokens, and their count: two tensors of shape [examples]."""
    import torch.nn.functional as F
    from .sft import collate

    ids, attention, targets = collate(examples, pad_id, device)
    with autocast():
        logits = model(input_ids=ids, attention_mask=attention).logits
    logits = logits[:, :-1, :].float()
    wanted = targets[:, 1:]
    labels = ids[:, 1:]
    token_log_probs = -F.cross_entropy(logits.reshape(-1, logits.size(-1)), labels.reshape(-1), reduction="none")
    token_log_probs = token_log_probs.view(labels.shape) * wanted
    return token_log_probs.sum(dim=1), wanted.sum(dim=1).float()


def _pair_log_probs(model, pairs, pad_id, device, autocast):
    """Chosen and rejected responses scored in one forward pass: (chosen, rejected, chosen tokens, rejected tokens)."""
    examples = [p.chosen for p in pairs] + [p.rejected for p in pairs]
    log_probs, counts = sequence_log_probs(model, examples, pad_id, device, autocast)
    n = len(pairs)
    return log_probs[:n], log_probs[n:], counts[:n], counts[n:]


def score_reference(model, pairs, spec, pad_id, device, autocast, adapter_is_fresh):
    """The reference log-probabilities of every pair, computed once, before training, without gradients."""
    import contextlib
    import torch

    if spec.dpo.variant == "simpo":
        return [ScoredPair(p, 0.0, 0.0) for p in pairs]  # reference-free
    # A fresh LoRA adapter is switched off (the base model is the reference); a starting adapter stays on.
    reference = model.disable_adapter() if adapter_is_fresh else contextlib.nullcontext()
    scored = []
    was_training = model.training
    model.eval()
    with torch.no_grad(), reference:
        for start in range(0, len(pairs), spec.batch_size):
            batch = pairs[start:start + spec.batch_size]
            chosen, rejected, _, _ = _pair_log_probs(model, batch, pad_id, device, autocast)
            scored.extend(ScoredPair(p, c, r) for p, c, r in zip(batch, chosen.tolist(), rejected.tolist()))
    model.train(was_training)
    return scored


# --- training -------------------------------------------------------------------------------------------------------------

class DpoObjective:
    """The mean preference loss over the pairs of a window (each pair weighs the same however the window is split)."""

    def __init__(self, model, validation_pairs, spec, pad_id, device, autocast):
        self.model, self.validation_pairs, self.spec = model, validation_pairs, spec
        self.pad_id, self.device, self.autocast = pad_id, device, autocast
        self.step = 0
        self.has_validation = bool(validation_pairs)

    def _batch_loss(self, batch):
        import torch

        chosen, rejected, chosen_tokens, rejected_tokens = _pair_log_probs(
            self.model, [s.pair for s in batch], self.pad_id, self.device, self.autocast)
        reference_chosen = torch.tensor([s.reference_chosen for s in batch], device=chosen.device)
        reference_rejected = torch.tensor([s.reference_rejected for s in batch], device=chosen.device)
        return preference_loss(chosen, rejected, reference_chosen, reference_rejected, chosen_tokens, rejected_tokens,
                               self.spec.dpo)

    def backward_window(self, window):
        window_pairs = sum(len(batch) for batch in window)
        summed, correct, margin = 0.0, 0, 0.0
        for batch in window:
            losses, chosen_reward, rejected_reward = self._batch_loss(batch)
            loss = losses.sum()
            check_finite(loss, self.step)
            (loss / window_pairs).backward()
            summed += loss.item()
            metrics = reward_metrics(chosen_reward, rejected_reward)
            correct += metrics["correct"]
            margin += metrics["margin"]
        tokens = sum(s.tokens for batch in window for s in batch)
        return WindowResult(summed / window_pairs, tokens,
                            {"rewardAccuracy": correct / window_pairs, "rewardMargin": margin / window_pairs})

    def evaluate(self):
        """The same loss, mean over the validation pairs, with their reward accuracy and margin."""
        import torch

        self.model.eval()
        summed, correct, margin = 0.0, 0, 0.0
        with torch.no_grad():
            for start in range(0, len(self.validation_pairs), self.spec.batch_size):
                losses, chosen_reward, rejected_reward = self._batch_loss(self.validation_pairs[start:start + self.spec.batch_size])
                summed += losses.sum().item()
                metrics = reward_metrics(chosen_reward, rejected_reward)
                correct += metrics["correct"]
                margin += metrics["margin"]
        n = len(self.validation_pairs)
        return summed / n, {"rewardAccuracy": correct / n, "rewardMargin": margin / n}


def train(spec, model, train_pairs, validation_pairs, pad_id, device, use_bf16, reporter):
    """Scores the reference, then runs every epoch; returns a summary dict for result.json."""
    # Only a LoRA adapter created for this job can be switched off to leave the base; anything else is its own reference.
    adapter_is_fresh = spec.training_type == "lora" and not spec.init_adapter
    autocast = loop.autocast_for(use_bf16)
    scored_train = score_reference(model, train_pairs, spec, pad_id, device, autocast, adapter_is_fresh)
    scored_validation = score_reference(model, validation_pairs or [], spec, pad_id, device, autocast, adapter_is_fresh)
    objective = DpoObjective(model, scored_validation, spec, pad_id, device, autocast)
    summary = loop.run(spec, model, scored_train, objective, reporter, {
        "pairs": len(train_pairs), "device": str(device), "bf16": use_bf16, "dpoVariant": spec.dpo.variant.upper(),
        "dpoBeta": spec.dpo.beta, "dpoNllWeight": spec.dpo.nll_weight,
        "simpoGamma": spec.dpo.simpo_gamma if spec.dpo.variant == "simpo" else None})
    summary["dpo"] = {"variant": spec.dpo.variant.upper(), "beta": spec.dpo.beta, "nllWeight": spec.dpo.nll_weight,
                      "simpoGamma": spec.dpo.simpo_gamma if spec.dpo.variant == "simpo" else None,
                      "reference": "none (SimPO)" if spec.dpo.variant == "simpo"
                      else "base model (adapter off)" if adapter_is_fresh else "the starting model"}
    return summary
