package dev.refinery.eval.inference;

import java.util.List;

/**
 * The fixed decoding of an evaluation: every model compared gets the same settings, so that the comparison measures
 * the models. Temperature 0 by default (greedy), so that a re-run asks the same question and may use the cache.
 */
public record Decoding(double temperature, int maxTokens, List<String> stop) {

    public Decoding {
        if (temperature < 0 || temperature > 2 || Double.isNaN(temperature)) {
            throw new IllegalArgumentException("temperature must be between 0 and 2, not " + temperature);
        }
        if (maxTokens < 1) {
            throw new IllegalArgumentException("maxTokens must be at least 1, not " + maxTokens);
        }
        stop = stop == null ? List.of() : List.copyOf(stop);
        // OpenAI accepts at most 4 stop sequences; the others follow it.
        if (stop.size() > 4) {
            throw new IllegalArgumentException("at most 4 stop sequences, not " + stop.size());
        }
    }

    /** Temperature 0, no stop sequences. */
    public static Decoding greedy(int maxTokens) {
        return new Decoding(0, maxTokens, List.of());
    }
}
