package dev.refinery.engine.serve;

import dev.refinery.engine.EngineException;

/**
 * How much a {@link ServingEngine} takes on at once.
 *
 * @param slots          sequences decoded together; each holds a KV cache of the model's whole context
 * @param queueCapacity  requests waiting for a slot; one more is refused with ENGINE_QUEUE_FULL (HTTP 429)
 * @param maxStepTokens  rows of one decode step: every running sequence's next token, then blocks of prompts
 *                       still being read; bounds how long one step (and so every stream's next token) can take
 * @param contextTokens  KV cache per slot, prompt plus completion; 0 for the model's whole context. The caches of all
 *                       slots are allocated up front (slots x this x layers x 2 x kv dim floats), so a model with a
 *                       long context usually wants less than all of it
 */
public record ServingConfig(int slots, int queueCapacity, int maxStepTokens, int contextTokens) {

    public ServingConfig {
        if (slots <= 0) {
            throw new EngineException.InvalidArgument("slots must be positive, got " + slots);
        }
        if (queueCapacity < 0) {
            throw new EngineException.InvalidArgument("queue capacity must be >= 0, got " + queueCapacity);
        }
        if (maxStepTokens < slots) {
            throw new EngineException.InvalidArgument("max step tokens (" + maxStepTokens + ") must be at least the number of slots ("
                    + slots + "), so that every running sequence advances in every step");
        }
        if (contextTokens < 0) {
            throw new EngineException.InvalidArgument("context tokens must be >= 0 (0 = the model's context), got " + contextTokens);
        }
    }

    public ServingConfig(int slots, int queueCapacity, int maxStepTokens) {
        this(slots, queueCapacity, maxStepTokens, 0);
    }

    /** 16 slots, 64 queued, 256-row steps, the model's whole context. */
    public static ServingConfig defaults() {
        return new ServingConfig(16, 64, 256, 0);
    }
}
