package dev.refinery.inference.openai;

import java.util.List;

/**
 * How a request wants its answer decoded and delivered, the same for chat and text completions.
 *
 * @param maxTokens    null: as many as the context leaves
 * @param topP         0 asks for the single likeliest token, like temperature 0
 * @param seed         null: a random one per request
 * @param stop         up to 4 sequences; the answer ends before the first one generated
 * @param includeUsage a stream ends with a chunk that carries the usage ({@code stream_options.include_usage})
 */
public record Sampling(Integer maxTokens, double temperature, double topP, Long seed, List<String> stop, boolean stream,
                       boolean includeUsage) {

    /** Greedy: the same answer every time. */
    public boolean greedy() {
        return temperature == 0 || topP == 0;
    }

    /** Greedy decoding of at most {@code maxTokens} (null: as many as the context leaves), answered whole. */
    public static Sampling greedy(Integer maxTokens) {
        return new Sampling(maxTokens, 0, 1, null, List.of(), false, false);
    }

    /** The same decoding, answered whole rather than streamed. */
    public Sampling whole() {
        return new Sampling(maxTokens, temperature, topP, seed, stop, false, false);
    }
}
