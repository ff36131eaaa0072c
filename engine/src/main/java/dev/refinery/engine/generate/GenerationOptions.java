package dev.refinery.engine.generate;

import dev.refinery.engine.EngineException;

/**
 * Decoding settings. Temperature 0 means greedy (argmax), the setting evaluations use so that results
 * are reproducible; otherwise top-k then top-p (nucleus) filtering and a seeded sample.
 *
 * @param maxTokens   most tokens to generate
 * @param temperature 0 for greedy, otherwise logits are divided by it
 * @param topK        keep the k most likely tokens (0 = no limit)
 * @param topP        keep the smallest set whose probability reaches p (1 = no limit)
 * @param seed        seed of the sampler
 * @param stopTokens  ids that end the generation (not included in the output)
 */
public record GenerationOptions(int maxTokens, float temperature, int topK, float topP, long seed, int[] stopTokens) {

    public GenerationOptions {
        if (maxTokens <= 0) {
            throw new EngineException.InvalidArgument("max tokens must be positive, got " + maxTokens);
        }
        if (!(temperature >= 0) || Float.isInfinite(temperature)) {
            throw new EngineException.InvalidArgument("temperature must be a finite number >= 0, got " + temperature);
        }
        if (topK < 0) {
            throw new EngineException.InvalidArgument("top-k must be >= 0, got " + topK);
        }
        if (!(topP > 0 && topP <= 1)) {
            throw new EngineException.InvalidArgument("top-p must be in (0, 1], got " + topP);
        }
        stopTokens = stopTokens == null ? new int[0] : stopTokens.clone();
    }

    public static GenerationOptions greedy(int maxTokens, int... stopTokens) {
        return new GenerationOptions(maxTokens, 0f, 0, 1f, 0L, stopTokens);
    }

    public GenerationOptions withStopTokens(int... ids) {
        return new GenerationOptions(maxTokens, temperature, topK, topP, seed, ids);
    }

    public boolean isStop(int id) {
        for (int s : stopTokens) {
            if (s == id) {
                return true;
            }
        }
        return false;
    }
}
