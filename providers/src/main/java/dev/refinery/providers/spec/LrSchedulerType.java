package dev.refinery.providers.spec;

/** Learning-rate schedule after warm-up. */
public enum LrSchedulerType {
    LINEAR,
    COSINE
}
