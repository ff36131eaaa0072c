package dev.refinery.providers.spec;

/** Supervised fine-tuning or direct preference optimisation (with its variants, see {@link DpoVariant}). */
public enum TrainingMethod {
    SFT,
    DPO
}
