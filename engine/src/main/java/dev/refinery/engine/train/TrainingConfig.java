package dev.refinery.engine.train;

import dev.refinery.engine.EngineException;
import dev.refinery.engine.lora.LoraConfig;

/**
 * Every setting of a fine-tuning run. Defaults ({@link #defaults()}) follow Together AI's where it has
 * one (learning rate 1e-5 is too small for a 260K model, so the engine's default is 1e-3), and each
 * run records the effective values it used.
 *
 * @param type                 LoRA or full fine-tuning
 * @param lora                 LoRA settings (ignored for full fine-tuning)
 * @param epochs               passes over the training set
 * @param batchSize            examples per micro-batch (PADDED) or rows of maxSeqLen tokens (PACKED)
 * @param gradientAccumulation micro-batches per optimizer step
 * @param learningRate         peak learning rate
 * @param schedule             learning-rate schedule after warmup
 * @param warmupRatio          share of steps spent warming up linearly from 0
 * @param minLrRatio           the schedule's floor as a fraction of the peak
 * @param numCycles            cosine cycles (0.5 = half a cosine from peak to floor)
 * @param weightDecay          decoupled weight decay (matrices only)
 * @param maxGradNorm          global gradient-norm clip; 0 disables
 * @param seed                 drives initialisation, shuffling and dropout
 * @param trainOnInputs        also take the loss on prompt tokens
 * @param batching             how examples are grouped into micro-batches
 * @param maxSeqLen            longest sequence; 0 = the model's context
 * @param overflow             what to do with examples longer than maxSeqLen
 * @param evaluation           when the validation loss is measured, and whether it stops the run early
 * @param checkpointEvery      checkpoint every N steps (0 = only the final state)
 */
public record TrainingConfig(
        TrainingType type,
        LoraConfig lora,
        int epochs,
        int batchSize,
        int gradientAccumulation,
        float learningRate,
        LrSchedule.Kind schedule,
        float warmupRatio,
        float minLrRatio,
        float numCycles,
        float weightDecay,
        float maxGradNorm,
        long seed,
        boolean trainOnInputs,
        Batching batching,
        int maxSeqLen,
        Overflow overflow,
        Evaluation evaluation,
        int checkpointEvery) {

    /** What is trained. */
    public enum TrainingType { LORA, FULL }

    /** How examples form micro-batches. Neither computes padding tokens: each example attends only to itself. */
    public enum Batching {
        /** A fixed number of examples per micro-batch. */
        PADDED,
        /** Whole examples packed until the micro-batch holds batchSize x maxSeqLen tokens. */
        PACKED
    }

    /** Examples longer than maxSeqLen. */
    public enum Overflow { FAIL, TRUNCATE, DROP }

    /**
     * When the validation loss is measured and whether it ends the run early (Together's early-stopping rules).
     *
     * @param every    steps between evaluations; 0 = at the end only (unless {@code count} is set)
     * @param count    evaluations spread evenly over the run, when set (&gt; 0) instead of {@code every}
     * @param patience stop after this many evaluations in a row that did not improve (0 = never stop early)
     * @param minDelta an evaluation improves only when its loss is below the best so far by more than this
     * @param warmup   the first evaluations never count against patience (their loss still sets the best)
     */
    public record Evaluation(int every, int count, int patience, float minDelta, int warmup) {

        public static final Evaluation AT_THE_END = new Evaluation(0, 0, 0, 0f, 0);

        public Evaluation {
            check(every >= 0 && count >= 0 && patience >= 0 && warmup >= 0, "evaluation intervals, counts and patience must be >= 0");
            check(minDelta >= 0 && Float.isFinite(minDelta), "early stopping's minimum improvement must be >= 0, got " + minDelta);
        }

        /** Steps between evaluations for a run of {@code totalSteps} (0 = at the end only). */
        public int interval(int totalSteps) {
            return count > 0 ? Math.max(1, totalSteps / count) : every;
        }

        public boolean stopsEarly() {
            return patience > 0;
        }
    }

    public TrainingConfig {
        check(type != null, "training type is required");
        check(type != TrainingType.LORA || lora != null, "LoRA training needs LoRA settings (rank, alpha, dropout, targets)");
        check(epochs >= 1, "epochs must be >= 1, got " + epochs);
        check(batchSize >= 1, "batch size must be >= 1, got " + batchSize);
        check(gradientAccumulation >= 1, "gradient accumulation must be >= 1, got " + gradientAccumulation);
        check(learningRate > 0 && Float.isFinite(learningRate), "learning rate must be a positive number, got " + learningRate);
        check(warmupRatio >= 0 && warmupRatio <= 1, "warmup ratio must be in [0, 1], got " + warmupRatio);
        check(minLrRatio >= 0 && minLrRatio <= 1, "min lr ratio must be in [0, 1], got " + minLrRatio);
        check(numCycles > 0, "num cycles must be > 0, got " + numCycles);
        check(weightDecay >= 0, "weight decay must be >= 0, got " + weightDecay);
        check(maxGradNorm >= 0, "max grad norm must be >= 0 (0 disables clipping), got " + maxGradNorm);
        check(maxSeqLen >= 0, "max sequence length must be >= 0, got " + maxSeqLen);
        check(evaluation != null, "evaluation settings are required");
        check(checkpointEvery >= 0, "the checkpoint interval must be >= 0, got " + checkpointEvery);
    }

    private static void check(boolean ok, String message) {
        if (!ok) {
            throw new EngineException.InvalidArgument(message);
        }
    }

    /** LoRA r=8, alpha=16 on all projections, 1 epoch, batch 8, lr 1e-3, cosine, no warmup, clip 1.0, seed 42. */
    public static TrainingConfig defaults() {
        return new TrainingConfig(TrainingType.LORA, new LoraConfig(8, 16f, 0f, LoraConfig.allLinear()),
                1, 8, 1, 1e-3f, LrSchedule.Kind.COSINE, 0f, 0f, 0.5f, 0f, 1f, 42L, false,
                Batching.PADDED, 0, Overflow.FAIL, Evaluation.AT_THE_END, 0);
    }

    public TrainingConfig withEpochs(int n) {
        return new TrainingConfig(type, lora, n, batchSize, gradientAccumulation, learningRate, schedule, warmupRatio, minLrRatio,
                numCycles, weightDecay, maxGradNorm, seed, trainOnInputs, batching, maxSeqLen, overflow, evaluation, checkpointEvery);
    }

    public TrainingConfig withLearningRate(float lr) {
        return new TrainingConfig(type, lora, epochs, batchSize, gradientAccumulation, lr, schedule, warmupRatio, minLrRatio,
                numCycles, weightDecay, maxGradNorm, seed, trainOnInputs, batching, maxSeqLen, overflow, evaluation, checkpointEvery);
    }

    public TrainingConfig withBatch(int size, int accumulation, Batching mode) {
        return new TrainingConfig(type, lora, epochs, size, accumulation, learningRate, schedule, warmupRatio, minLrRatio,
                numCycles, weightDecay, maxGradNorm, seed, trainOnInputs, mode, maxSeqLen, overflow, evaluation, checkpointEvery);
    }

    public TrainingConfig withLora(LoraConfig l) {
        return new TrainingConfig(TrainingType.LORA, l, epochs, batchSize, gradientAccumulation, learningRate, schedule, warmupRatio,
                minLrRatio, numCycles, weightDecay, maxGradNorm, seed, trainOnInputs, batching, maxSeqLen, overflow, evaluation,
                checkpointEvery);
    }

    public TrainingConfig withFullFineTuning() {
        return new TrainingConfig(TrainingType.FULL, lora, epochs, batchSize, gradientAccumulation, learningRate, schedule, warmupRatio,
                minLrRatio, numCycles, weightDecay, maxGradNorm, seed, trainOnInputs, batching, maxSeqLen, overflow, evaluation,
                checkpointEvery);
    }

    public TrainingConfig withSchedule(LrSchedule.Kind kind, float warmup, float minRatio) {
        return new TrainingConfig(type, lora, epochs, batchSize, gradientAccumulation, learningRate, kind, warmup, minRatio,
                numCycles, weightDecay, maxGradNorm, seed, trainOnInputs, batching, maxSeqLen, overflow, evaluation, checkpointEvery);
    }

    public TrainingConfig withRegularisation(float decay, float clip) {
        return new TrainingConfig(type, lora, epochs, batchSize, gradientAccumulation, learningRate, schedule, warmupRatio, minLrRatio,
                numCycles, decay, clip, seed, trainOnInputs, batching, maxSeqLen, overflow, evaluation, checkpointEvery);
    }

    public TrainingConfig withSeed(long s) {
        return new TrainingConfig(type, lora, epochs, batchSize, gradientAccumulation, learningRate, schedule, warmupRatio, minLrRatio,
                numCycles, weightDecay, maxGradNorm, s, trainOnInputs, batching, maxSeqLen, overflow, evaluation, checkpointEvery);
    }

    public TrainingConfig withTrainOnInputs(boolean on) {
        return new TrainingConfig(type, lora, epochs, batchSize, gradientAccumulation, learningRate, schedule, warmupRatio, minLrRatio,
                numCycles, weightDecay, maxGradNorm, seed, on, batching, maxSeqLen, overflow, evaluation, checkpointEvery);
    }

    public TrainingConfig withSequences(int maxLen, Overflow policy) {
        return new TrainingConfig(type, lora, epochs, batchSize, gradientAccumulation, learningRate, schedule, warmupRatio, minLrRatio,
                numCycles, weightDecay, maxGradNorm, seed, trainOnInputs, batching, maxLen, policy, evaluation, checkpointEvery);
    }

    /** Validation every {@code every} steps (0: at the end only); stop after {@code patience} evaluations without improvement (0: never). */
    public TrainingConfig withEvaluation(int every, int patience) {
        return new TrainingConfig(type, lora, epochs, batchSize, gradientAccumulation, learningRate, schedule, warmupRatio, minLrRatio,
                numCycles, weightDecay, maxGradNorm, seed, trainOnInputs, batching, maxSeqLen, overflow, new Evaluation(every, 0, patience, 0f, 0),
                checkpointEvery);
    }

    public TrainingConfig withEvaluation(Evaluation e) {
        return new TrainingConfig(type, lora, epochs, batchSize, gradientAccumulation, learningRate, schedule, warmupRatio, minLrRatio,
                numCycles, weightDecay, maxGradNorm, seed, trainOnInputs, batching, maxSeqLen, overflow, e, checkpointEvery);
    }

    public TrainingConfig withCheckpointEvery(int every) {
        return new TrainingConfig(type, lora, epochs, batchSize, gradientAccumulation, learningRate, schedule, warmupRatio, minLrRatio,
                numCycles, weightDecay, maxGradNorm, seed, trainOnInputs, batching, maxSeqLen, overflow, evaluation,
                every);
    }
}
