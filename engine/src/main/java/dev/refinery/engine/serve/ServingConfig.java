package dev.refinery.engine.serve;

import dev.refinery.engine.EngineException;

/**
 * How much a {@link ServingEngine} takes on at once.
 *
 * @param slots          sequences decoded together; each holds a KV cache of the model's whole context
 * @param queueCapacity  requests waiting for a slot; one more is refused with ENGINE_QUEUE_FULL (HTTP 429)
 * @param maxStepTokens  rows of one decode step: every running sequence's next token, then blocks of prompts
 *                       still being read; bounds how long one step (and so every stream's next token) can take
 */
public record ServingConfig(int slots, int queueCapacity, int maxStepTokens) {

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
    }

    /** 16 slots (past them a small model's steps get longer without more tokens per second), 64 queued, 256-row steps. */
    public static ServingConfig defaults() {
        return new ServingConfig(16, 64, 256);
    }
}
