package dev.refinery.engine.generate;

import dev.refinery.engine.EngineException;
import dev.refinery.engine.model.ModelWeights;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.IntConsumer;

/**
 * Autoregressive generation over a {@link KvCacheDecoder}, for one prompt or many at once. Batched
 * prompts advance together so that each weight matrix is read once per step for all of them; every
 * sequence gets exactly the tokens it would get alone (same arithmetic per row, its own sampler).
 */
public final class Generator {

    /** Sequences decoded together; more adds little once the products are compute-bound. */
    private static final int MAX_BATCH = 16;

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
        return run(List.of(prompt), options, (seq, id) -> onToken.accept(id)).get(0);
    }

    /** Generates a reply for every prompt, in batches, returning results in prompt order. */
    public List<GenerationResult> generateAll(List<int[]> prompts, GenerationOptions options) {
        List<GenerationResult> out = new ArrayList<>(prompts.size());
        for (int from = 0; from < prompts.size(); from += MAX_BATCH) {
            out.addAll(run(prompts.subList(from, Math.min(prompts.size(), from + MAX_BATCH)), options, (seq, id) -> { }));
        }
        return out;
    }

    private interface TokenSink {
        void accept(int sequence, int token);
    }

    private List<GenerationResult> run(List<int[]> prompts, GenerationOptions options, TokenSink sink) {
        int context = weights.config().maxSeqLen();
        int longest = 0;
        for (int i = 0; i < prompts.size(); i++) {
            int[] p = prompts.get(i);
            if (p.length == 0) {
                throw new EngineException.InvalidArgument("prompt " + (i + 1) + " is empty: it must hold at least one token (e.g. BOS)");
            }
            if (p.length > context) {
                throw new EngineException.ContextTooLong("prompt " + (i + 1) + " has " + p.length + " tokens but the model's context is "
                        + context + " tokens");
            }
            longest = Math.max(longest, p.length);
        }
        int n = prompts.size();
        KvCacheDecoder decoder = new KvCacheDecoder(weights, n, Math.min(context, longest + options.maxTokens()));
        Sequence[] seqs = new Sequence[n];
        for (int i = 0; i < n; i++) {
            seqs[i] = new Sequence(prompts.get(i), options);
        }
        int vocab = weights.config().vocabSize();
        while (true) {
            int active = 0;
            for (Sequence s : seqs) {
                if (s.result == null) {
                    active++;
                }
            }
            if (active == 0) {
                break;
            }
            int[] slots = new int[active];
            int[] tokens = new int[active];
            int a = 0;
            for (int i = 0; i < n; i++) {
                if (seqs[i].result == null) {
                    slots[a] = i;
                    tokens[a++] = seqs[i].nextInput();
                }
            }
            float[] logits = decoder.step(slots, tokens);
            for (int r = 0; r < active; r++) {
                int i = slots[r];
                Sequence s = seqs[i];
                if (!s.promptConsumed()) {
                    continue;
                }
                int next = s.sampler.next(Arrays.copyOfRange(logits, r * vocab, (r + 1) * vocab));
                if (options.isStop(next)) {
                    s.finish(GenerationResult.FinishReason.STOP);
                    continue;
                }
                s.append(next);
                sink.accept(i, next);
                if (s.count == options.maxTokens()) {
                    s.finish(GenerationResult.FinishReason.LENGTH);
                } else if (decoder.position(i) >= context) {
                    s.finish(GenerationResult.FinishReason.CONTEXT);
                }
            }
        }
        List<GenerationResult> out = new ArrayList<>(n);
        for (Sequence s : seqs) {
            out.add(s.result);
        }
        return out;
    }

    /** Decoding state of one prompt. */
    private static final class Sequence {
        final int[] prompt;
        final Sampler sampler;
        final int[] generated;
        int fed;
        int count;
        GenerationResult result;

        Sequence(int[] prompt, GenerationOptions options) {
            this.prompt = prompt;
            this.sampler = new Sampler(options);
            this.generated = new int[options.maxTokens()];
        }

        int nextInput() {
            int token = fed < prompt.length ? prompt[fed] : generated[count - 1];
            fed++;
            return token;
        }

        boolean promptConsumed() {
            return fed >= prompt.length;
        }

        void append(int token) {
            generated[count++] = token;
        }

        void finish(GenerationResult.FinishReason reason) {
            result = new GenerationResult(Arrays.copyOf(generated, count), reason);
        }
    }
}
