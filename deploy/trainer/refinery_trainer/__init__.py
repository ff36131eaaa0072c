"""Refinery's GPU trainer: one fine-tuning job from a provider-neutral job spec, on Transformers + PEFT."""
