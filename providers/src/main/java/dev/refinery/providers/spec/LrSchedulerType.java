package dev.refinery.providers.spec;

/** Learning-rate schedule after warm-up (CONSTANT: the local engine only). */
public enum LrSchedulerType {
    LINEAR,
    COSINE,
    CONSTANT
}
