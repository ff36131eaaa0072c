"""The learning-rate schedule the providers describe: linear warm-up, then linear or cosine decay to a floor.

As a plain function of the step (not Transformers' get_scheduler, which has no floor for the linear decay),
so that minLrRatio and numCycles mean what they mean on Together AI.
"""

import math


def lr_factor(step, total_steps, warmup_steps, kind, min_lr_ratio=0.0, num_cycles=0.5):
    """Multiplier of the peak learning rate for optimizer step `step` (0-based)."""
    if step < warmup_steps:
        return step / max(1, warmup_steps)
    if kind == "constant":
        return 1.0
    progress = min(1.0, (step - warmup_steps) / max(1, total_steps - warmup_steps))
    if kind == "linear":
        decay = 1.0 - progress
    else:  # cosine; num_cycles 0.5 is one half-wave from the peak down to the floor
        decay = max(0.0, 0.5 * (1.0 + math.cos(math.pi * 2.0 * num_cycles * progress)))
    return min_lr_ratio + (1.0 - min_lr_ratio) * decay


def warmup_steps(total_steps, warmup_ratio):
    return math.ceil(warmup_ratio * total_steps)
