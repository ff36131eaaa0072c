package dev.refinery.engine.model;

/**
 * How rotary position embeddings pair up the dimensions of a head.
 * llama2.c checkpoints rotate adjacent pairs (0,1), (2,3)...; Hugging Face Llama and Qwen2
 * rotate the first half against the second half (their q/k weights were permuted to match).
 */
public enum RopeStyle {
    INTERLEAVED,
    HALF
}
