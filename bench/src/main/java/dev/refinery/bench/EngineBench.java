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
 * runs (median reported), {@code -Dbench.models=260k,15m} which models run, {@code -Dbench.modes=forward,lora-step,decode}
 * which modes. The last column is the process CPU time per step (all threads): on a shared machine, wall
 * time well above cpu/threads means the cores were busy with other work during the measurement.
 */
public final class EngineBench {

    public static void main(String[] args) {
        int iterations = Integer.getInteger("bench.iterations", 7);
        String which = System.getProperty("bench.models", "260k,15m");
        String modes = System.getProperty("bench.modes", "forward,lora-step,decode");
        System.out.println("engine: kernel " + Kernels.kernel().name() + ", threads " + Kernels.threads()
                + ", batch " + BenchModels.BATCH + "x" + BenchModels.SEQ_LEN + ", median of " + iterations + " runs");
        System.out.println("load average before: " + Timer.loadAverage());
        System.out.printf("%-14s %-10s %12s %10s %14s%n", "config", "mode", "tokens/s", "ms/step", "cpu ms/step");
        for (BenchModels.Model m : models(which)) {
            bench(m, iterations, modes);
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

    private static void bench(BenchModels.Model m, int iterations, String modes) {
        TokenBatch batch = BenchModels.randomBatch(m.config(), 7);
        int tokens = batch.size();
        int warmup = 3;

        if (modes.contains("forward")) {
            Transformer frozen = new Transformer(m.weights(), null);
            Timer.Result forward = Timer.measure(warmup, iterations, () -> frozen.loss(batch));
            row(m.name(), "forward", tokens, forward);
        }
        if (modes.contains("lora-step")) {
            LoraStep step = new LoraStep(m);
            Timer.Result lora = Timer.measure(warmup, iterations, () -> step.run(batch));
            row(m.name(), "lora-step", tokens, lora);
        }
        if (modes.contains("decode")) {
            // Greedy decoding from BOS until the context is full; no stop token, so every run has the same length.
            int generate = BenchModels.SEQ_LEN - 1;
            Generator generator = new Generator(m.weights());
            GenerationOptions greedy = GenerationOptions.greedy(generate);
            int[] prompt = {1};
            Timer.Result decode = Timer.measure(warmup, iterations, () -> generator.generate(prompt, greedy));
            row(m.name(), "decode", generate, decode);
        }
    }

    private static void row(String config, String mode, int tokens, Timer.Result r) {
        System.out.printf("%-14s %-10s %12.0f %10.1f %14.1f%n", config, mode, tokens / r.medianSeconds(), r.medianSeconds() * 1000,
                r.cpuSecondsPerRun() * 1000);
    }
}
