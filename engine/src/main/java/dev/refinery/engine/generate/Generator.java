package dev.refinery.engine.generate;

import dev.refinery.engine.EngineException;
import dev.refinery.engine.model.ModelWeights;

import java.util.Arrays;
import java.util.function.IntConsumer;

/** Autoregressive generation over a {@link KvCacheDecoder}. */
public final class Generator {

    private final ModelWeights weights;

    /** @param weights the model, with any adapter already merged */
    public Generator(ModelWeights weights) {
        this.weights = weights;
    }

    public GenerationResult generate(int[] prompt, GenerationOptions options) {
        return generate(prompt, options, id -> { });
    }

    /** Generates after {@code prompt}; {@code onToken} sees each generated id as it is chosen (for streaming). */
    public GenerationResult generate(int[] prompt, GenerationOptions options, IntConsumer onToken) {
        if (prompt.length == 0) {
            throw new EngineException.InvalidArgument("the prompt must hold at least one token (e.g. BOS)");
        }
        int context = weights.config().maxSeqLen();
        if (prompt.length > context) {
            throw new EngineException.ContextTooLong("the prompt has " + prompt.length + " tokens but the model's context is "
                    + context + " tokens");
        }
        KvCacheDecoder decoder = new KvCacheDecoder(weights, Math.min(context, prompt.length + options.maxTokens()));
        Sampler sampler = new Sampler(options);
        float[] logits = null;
        for (int id : prompt) {
            logits = decoder.step(id);
        }
        int[] out = new int[options.maxTokens()];
        int n = 0;
        while (true) {
            int next = sampler.next(logits);
            if (options.isStop(next)) {
                return new GenerationResult(Arrays.copyOf(out, n), GenerationResult.FinishReason.STOP);
            }
            out[n++] = next;
            onToken.accept(next);
            if (n == options.maxTokens()) {
                return new GenerationResult(Arrays.copyOf(out, n), GenerationResult.FinishReason.LENGTH);
            }
            if (decoder.position() >= context) {
                return new GenerationResult(Arrays.copyOf(out, n), GenerationResult.FinishReason.CONTEXT);
            }
            logits = decoder.step(next);
        }
    }
}
