"""The optimisation loop SFT and DPO share: batches, gradient accumulation windows, AdamW, clipping, the
learning-rate schedule, progress lines and periodic validation.

What differs between the methods is only how a window of batches turns into gradients and how the validation
set is scored, which an objective supplies (see sft.SftObjective and dpo.DpoObjective):

    objective.backward_window(window) -> WindowResult   # forward + backward over every batch of the window
    objective.evaluate() -> (validation loss, extra metrics dict)
    objective.has_validation -> bool
"""

import contextlib
import math
from dataclasses import dataclass, field

from .errors import TrainerError, EXIT_USER_ERROR
from .schedule import lr_factor, warmup_steps


@dataclass
class WindowResult:
    loss: float            # the window's loss as reported (the value whose gradient was taken)
    tokens: int            # non-padding input tokens the window read, for tokens per second
    extras: dict = field(default_factory=dict)  # further metrics for the progress line (e.g. rewardAccuracy)


def autocast_for(use_bf16):
    """bf16 autocast on GPUs that have it; otherwise nothing (fp32)."""
    import torch

    if use_bf16:
        return lambda: torch.autocast(device_type="cuda", dtype=torch.bfloat16)
    return contextlib.nullcontext


def check_finite(loss, step):
    import torch

    if not torch.isfinite(loss):
        raise TrainerError("TRAIN_LOSS_NOT_FINITE",
                           f"the loss became {loss.item()} at step {step}; lower learningRate or check the data",
                           where={"step": step}, exit_code=EXIT_USER_ERROR)


def steps_per_epoch(item_count, spec):
    micro_batches = math.ceil(item_count / spec.batch_size)
    return math.ceil(micro_batches / spec.gradient_accumulation)


def _batches(items, batch_size, generator):
    import torch

    order = torch.randperm(len(items), generator=generator).tolist()
    return [[items[i] for i in order[start:start + batch_size]] for start in range(0, len(order), batch_size)]


def run(spec, model, items, objective, reporter, started_fields):
    """Trains for every epoch; returns a summary dict for result.json."""
    import torch

    torch.manual_seed(spec.seed)
    parameters = [p for p in model.parameters() if p.requires_grad]
    optimizer = torch.optim.AdamW(parameters, lr=spec.learning_rate, weight_decay=spec.weight_decay)
    total_steps = steps_per_epoch(len(items), spec) * spec.epochs
    warmup = warmup_steps(total_steps, spec.warmup_ratio)
    scheduler = torch.optim.lr_scheduler.LambdaLR(optimizer, lambda s: lr_factor(
        s, total_steps, warmup, spec.lr_scheduler, spec.min_lr_ratio, spec.num_cycles))
    eval_every = math.ceil(total_steps / spec.n_evals) if spec.n_evals else 0
    trainable = sum(p.numel() for p in parameters)
    reporter.started(total_steps, trainableParameters=trainable, **started_fields)

    generator = torch.Generator().manual_seed(spec.seed)
    step, last, last_validation, validation_extras = 0, None, None, {}
    model.train()
    for epoch in range(spec.epochs):
        batches = _batches(items, spec.batch_size, generator)
        for window_start in range(0, len(batches), spec.gradient_accumulation):
            window = batches[window_start:window_start + spec.gradient_accumulation]
            objective.step = step + 1  # so that a non-finite loss names the step it happened at
            last = objective.backward_window(window)
            grad_norm = None
            if spec.max_grad_norm > 0:
                grad_norm = torch.nn.utils.clip_grad_norm_(parameters, spec.max_grad_norm).item()
            learning_rate = optimizer.param_groups[0]["lr"]
            optimizer.step()
            scheduler.step()
            optimizer.zero_grad(set_to_none=True)
            step += 1
            fraction = (window_start + len(window)) / len(batches)
            reporter.step(step, epoch + fraction, last.loss, learning_rate, last.tokens, grad_norm, extras=last.extras)
            if objective.has_validation and eval_every and step % eval_every == 0 and step < total_steps:
                last_validation, validation_extras = objective.evaluate()
                reporter.validation(step, last_validation, extras=validation_extras)
                model.train()
    if objective.has_validation:
        last_validation, validation_extras = objective.evaluate()
        reporter.validation(step, last_validation, extras=validation_extras)
    summary = {"steps": step, "totalSteps": total_steps, "finalTrainLoss": last.loss if last else None,
               "finalValidationLoss": last_validation, "tokens": reporter.tokens, "trainableParameters": trainable}
    for name, value in (last.extras if last else {}).items():
        summary["final" + name[0].upper() + name[1:]] = value
    for name, value in validation_extras.items():
        summary["finalValidation" + name[0].upper() + name[1:]] = value
    return summary
