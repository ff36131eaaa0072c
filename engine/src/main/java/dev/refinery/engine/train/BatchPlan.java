package dev.refinery.engine.train;

import dev.refinery.engine.EngineException;
import dev.refinery.engine.nn.TokenBatch;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Which examples go into which micro-batch, epoch by epoch. Deterministic in the seed, so that a run
 * resumed from a checkpoint sees exactly the batches the uninterrupted run would have seen.
 */
final class BatchPlan {

    private final List<TrainingExample> examples;
    private final TrainingConfig config;
    private final int maxSeqLen;
    private final List<List<int[]>> epochs = new ArrayList<>();
    private final int dropped;
    private final int truncated;

    BatchPlan(List<TrainingExample> raw, TrainingConfig config, int modelContext) {
        this.config = config;
        this.maxSeqLen = config.maxSeqLen() == 0 ? modelContext : Math.min(config.maxSeqLen(), modelContext);
        List<TrainingExample> kept = new ArrayList<>();
        int drop = 0;
        int cut = 0;
        for (int i = 0; i < raw.size(); i++) {
            TrainingExample e = prepare(raw.get(i));
            if (e.length() > maxSeqLen) {
                switch (config.overflow()) {
                    case FAIL -> throw new EngineException.ContextTooLong("training example " + (i + 1) + " has " + e.length()
                            + " tokens, " + (e.length() - maxSeqLen) + " more than the limit of " + maxSeqLen
                            + " (choose overflow=truncate or drop to continue)");
                    case DROP -> {
                        drop++;
                        continue;
                    }
                    case TRUNCATE -> {
                        e = new TrainingExample(java.util.Arrays.copyOf(e.ids(), maxSeqLen), java.util.Arrays.copyOf(e.lossMask(), maxSeqLen));
                        cut++;
                    }
                }
            }
            if (hasTarget(e)) {
                kept.add(e);
            }
        }
        if (kept.isEmpty()) {
            throw new EngineException.InvalidArgument("no training example has a token to learn (all were dropped or have no assistant output)");
        }
        this.examples = kept;
        this.dropped = drop;
        this.truncated = cut;
        for (int epoch = 0; epoch < config.epochs(); epoch++) {
            epochs.add(plan(epoch));
        }
    }

    private TrainingExample prepare(TrainingExample e) {
        if (!config.trainOnInputs()) {
            return e;
        }
        boolean[] all = new boolean[e.length()];
        java.util.Arrays.fill(all, true);
        return new TrainingExample(e.ids(), all);
    }

    private static boolean hasTarget(TrainingExample e) {
        for (int i = 1; i < e.length(); i++) {
            if (e.lossMask()[i]) {
                return true;
            }
        }
        return false;
    }

    private List<int[]> plan(int epoch) {
        int[] order = new int[examples.size()];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        SplittableRandom rnd = new SplittableRandom(config.seed() * 7919L + epoch);
        for (int i = order.length - 1; i > 0; i--) {
            int j = rnd.nextInt(i + 1);
            int t = order[i];
            order[i] = order[j];
            order[j] = t;
        }
        List<int[]> batches = new ArrayList<>();
        List<Integer> current = new ArrayList<>();
        int tokens = 0;
        int budget = config.batchSize() * maxSeqLen;
        for (int idx : order) {
            int len = examples.get(idx).length();
            boolean full = config.batching() == TrainingConfig.Batching.PADDED
                    ? current.size() == config.batchSize()
                    : tokens + len > budget;
            if (full && !current.isEmpty()) {
                batches.add(current.stream().mapToInt(Integer::intValue).toArray());
                current.clear();
                tokens = 0;
            }
            current.add(idx);
            tokens += len;
        }
        if (!current.isEmpty()) {
            batches.add(current.stream().mapToInt(Integer::intValue).toArray());
        }
        return batches;
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

    int stepsPerEpoch(int epoch) {
        return (epochs.get(epoch).size() + config.gradientAccumulation() - 1) / config.gradientAccumulation();
    }

    int totalSteps() {
        int n = 0;
        for (int e = 0; e < epochs.size(); e++) {
            n += stepsPerEpoch(e);
        }
        return n;
    }

    /** The micro-batches of 1-based optimizer step {@code step}, with the epoch it belongs to. */
    Step step(int step) {
        int remaining = step - 1;
        for (int e = 0; e < epochs.size(); e++) {
            int perEpoch = stepsPerEpoch(e);
            if (remaining < perEpoch) {
                List<int[]> all = epochs.get(e);
                int from = remaining * config.gradientAccumulation();
                int to = Math.min(all.size(), from + config.gradientAccumulation());
                List<TokenBatch> micro = new ArrayList<>();
                for (int b = from; b < to; b++) {
                    micro.add(toBatch(all.get(b)));
                }
                return new Step(micro, e + (double) (remaining + 1) / perEpoch);
            }
            remaining -= perEpoch;
        }
        throw new IllegalArgumentException("step " + step + " is beyond the plan of " + totalSteps() + " steps");
    }

    private TokenBatch toBatch(int[] indices) {
        TokenBatch.Builder b = new TokenBatch.Builder(maxSeqLen);
        for (int i : indices) {
            TrainingExample e = examples.get(i);
            b.add(e.ids(), e.lossMask());
        }
        return b.build();
    }

    /** Micro-batches of one optimizer step and the fractional epoch reached at its end. */
    record Step(List<TokenBatch> microBatches, double epoch) {
    }
}
