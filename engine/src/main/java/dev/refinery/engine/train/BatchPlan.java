package dev.refinery.engine.train;

import dev.refinery.engine.EngineException;
import dev.refinery.engine.nn.TokenBatch;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** The supervised run's examples, fitted to the length limit, and the micro-batches of each optimizer step. */
final class BatchPlan {

    private final List<TrainingExample> examples;
    private final int maxSeqLen;
    private final EpochPlan epochs;
    private final int dropped;
    private final int truncated;

    BatchPlan(List<TrainingExample> raw, TrainingConfig config, int modelContext) {
        this.maxSeqLen = maxSeqLen(config, modelContext);
        SequenceFit fit = new SequenceFit(maxSeqLen, config.overflow());
        List<TrainingExample> kept = new ArrayList<>();
        for (int i = 0; i < raw.size(); i++) {
            TrainingExample[] fitted = fit.fit("training example " + (i + 1), prepare(raw.get(i), config));
            if (fitted != null && SequenceFit.hasTarget(fitted[0])) {
                kept.add(fitted[0]);
            }
        }
        if (kept.isEmpty()) {
            throw new EngineException.InvalidArgument("no training example has a token to learn (all were dropped or have no assistant output)");
        }
        this.examples = kept;
        this.dropped = fit.dropped();
        this.truncated = fit.truncated();
        this.epochs = new EpochPlan(kept.stream().mapToInt(TrainingExample::length).toArray(), config, config.batchSize() * maxSeqLen);
    }

    static int maxSeqLen(TrainingConfig config, int modelContext) {
        return config.maxSeqLen() == 0 ? modelContext : Math.min(config.maxSeqLen(), modelContext);
    }

    private static TrainingExample prepare(TrainingExample e, TrainingConfig config) {
        if (!config.trainOnInputs()) {
            return e;
        }
        boolean[] all = new boolean[e.length()];
        Arrays.fill(all, true);
        return new TrainingExample(e.ids(), all);
    }

    int maxSeqLen() {
        return maxSeqLen;
    }

    int exampleCount() {
        return examples.size();
    }

    int dropped() {
        return dropped;
    }

    int truncated() {
        return truncated;
    }

    int totalSteps() {
        return epochs.totalSteps();
    }

    /** The micro-batches of 1-based optimizer step {@code step}, with the epoch it belongs to. */
    Step step(int step) {
        EpochPlan.Step s = epochs.step(step);
        List<TokenBatch> micro = new ArrayList<>();
        for (int[] indices : s.microBatches()) {
            TokenBatch.Builder b = new TokenBatch.Builder(maxSeqLen);
            for (int i : indices) {
                b.add(examples.get(i).ids(), examples.get(i).lossMask());
            }
            micro.add(b.build());
        }
        return new Step(micro, s.epoch());
    }

    /** Micro-batches of one optimizer step and the fractional epoch reached at its end. */
    record Step(List<TokenBatch> microBatches, double epoch) {
    }
}
