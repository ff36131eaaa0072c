package dev.refinery.engine.chat;

import java.time.Duration;

/**
 * What one rendering of a model's chat template may cost: a template is code from a model folder, and a conversation
 * can be large, so neither may hang the process (a loop that never ends) nor fill its memory (an output that keeps
 * growing). A rendering past either limit fails with {@link dev.refinery.engine.EngineException.InvalidChat}.
 *
 * @param timeLimit      wall-clock time for one rendering
 * @param maxOutputChars characters one rendering may produce (and the longest string it may build on the way)
 */
record RenderLimits(Duration timeLimit, long maxOutputChars) {

    /**
     * 5 s and 64 Mi characters. Real templates render a conversation in about a millisecond, so 5 s only ever stops a
     * template that loops, with room for a loaded machine and GC pauses; 64 Mi characters is far beyond any context
     * window the engine trains, yet bounded.
     */
    static final RenderLimits DEFAULT = new RenderLimits(Duration.ofSeconds(5), 64L * 1024 * 1024);

    String describeTime() {
        return timeLimit.toMillis() % 1000 == 0 ? timeLimit.toSeconds() + " s" : timeLimit.toMillis() + " ms";
    }
}
