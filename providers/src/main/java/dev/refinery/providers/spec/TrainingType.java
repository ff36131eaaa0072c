package dev.refinery.providers.spec;

/** Train a low-rank adapter, or every weight of the model. */
public enum TrainingType {
    LORA,
    FULL
}
