package dev.refinery.engine.train;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Which items (examples, or preference pairs) go into which micro-batch, epoch by epoch, and which micro-batches
 * make each optimizer step. Deterministic in the seed, so that a run resumed from a checkpoint sees exactly the
 * batches the uninterrupted run would have seen.
 */
final class EpochPlan {

    private final TrainingConfig config;
    private final List<List<int[]>> epochs = new ArrayList<>();

    /**
     * @param lengths     tokens of each item, for packing
     * @param tokenBudget tokens a packed micro-batch may hold
     */
    EpochPlan(int[] lengths, TrainingConfig config, int tokenBudget) {
        this.config = config;
        for (int epoch = 0; epoch < config.epochs(); epoch++) {
            epochs.add(plan(lengths, epoch, tokenBudget));
        }
    }

    private List<int[]> plan(int[] lengths, int epoch, int tokenBudget) {
        int[] order = new int[lengths.length];
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
        for (int idx : order) {
            int len = lengths[idx];
            boolean full = config.batching() == TrainingConfig.Batching.PADDED
                    ? current.size() == config.batchSize()
                    : tokens + len > tokenBudget;
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

    /** The micro-batches (item indices) of 1-based optimizer step {@code step}, with the epoch it reaches. */
    Step step(int step) {
        int remaining = step - 1;
        for (int e = 0; e < epochs.size(); e++) {
            int perEpoch = stepsPerEpoch(e);
            if (remaining < perEpoch) {
                List<int[]> all = epochs.get(e);
                int from = remaining * config.gradientAccumulation();
                int to = Math.min(all.size(), from + config.gradientAccumulation());
                return new Step(all.subList(from, to), e + (double) (remaining + 1) / perEpoch);
            }
            remaining -= perEpoch;
        }
        throw new IllegalArgumentException("step " + step + " is beyond the plan of " + totalSteps() + " steps");
    }

    /** Item indices of each micro-batch of one optimizer step, and the fractional epoch reached at its end. */
    record Step(List<int[]> microBatches, double epoch) {
    }
}
