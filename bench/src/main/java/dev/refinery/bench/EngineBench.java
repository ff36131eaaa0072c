package dev.refinery.bench;

import dev.refinery.engine.generate.GenerationOptions;
import dev.refinery.engine.generate.Generator;
import dev.refinery.engine.kernel.Kernels;
import dev.refinery.engine.nn.TokenBatch;
import dev.refinery.engine.nn.Transformer;

import java.util.List;

/**
 * Tokens per second of the engine at two model sizes: forward (loss over a batch, no gradients), a LoRA
 * training step (forward, backward, AdamW; r=8 on all seven projections) and greedy decoding of one
 * sequence with the KV cache. The batch is 8 x 256 tokens. {@code -Dbench.iterations=N} sets the timed
 * runs (median reported), {@code -Dbench.models=260k,15m} which models run.
 */
public final class EngineBench {

    public static void main(String[] args) {
        int iterations = Integer.getInteger("bench.iterations", 7);
        String which = System.getProperty("bench.models", "260k,15m");
        System.out.println("engine: kernel " + Kernels.kernel().name() + ", threads " + Kernels.threads()
                + ", batch " + BenchModels.BATCH + "x" + BenchModels.SEQ_LEN + ", median of " + iterations + " runs");
        System.out.println("load average before: " + Timer.loadAverage());
        System.out.printf("%-14s %-10s %12s %10s%n", "config", "mode", "tokens/s", "ms/step");
        for (BenchModels.Model m : models(which)) {
            bench(m, iterations);
        }
        System.out.println("load average after: " + Timer.loadAverage());
    }

    private static List<BenchModels.Model> models(String which) {
        List<BenchModels.Model> out = new java.util.ArrayList<>();
        if (which.contains("260k")) {
            out.add(BenchModels.stories260k());
        }
        if (which.contains("15m")) {
            out.add(BenchModels.stories15mShape());
        }
        return out;
    }

    private static void bench(BenchModels.Model m, int iterations) {
        TokenBatch batch = BenchModels.randomBatch(m.config(), 7);
        int tokens = batch.size();
        int warmup = 3;

        Transformer frozen = new Transformer(m.weights(), null);
        double forward = Timer.medianSeconds(warmup, iterations, () -> frozen.loss(batch));
        row(m.name(), "forward", tokens / forward, forward);

        LoraStep step = new LoraStep(m);
        double lora = Timer.medianSeconds(warmup, iterations, () -> step.run(batch));
        row(m.name(), "lora-step", tokens / lora, lora);

        // Greedy decoding from BOS until the context is full; no stop token, so every run has the same length.
        int generate = BenchModels.SEQ_LEN - 1;
        Generator generator = new Generator(m.weights());
        GenerationOptions greedy = GenerationOptions.greedy(generate);
        int[] prompt = {1};
        double decode = Timer.medianSeconds(warmup, iterations, () -> generator.generate(prompt, greedy));
        row(m.name(), "decode", generate / decode, decode);
    }

    private static void row(String config, String mode, double tokensPerSecond, double seconds) {
        System.out.printf("%-14s %-10s %12.0f %10.1f%n", config, mode, tokensPerSecond, seconds * 1000);
    }
}
