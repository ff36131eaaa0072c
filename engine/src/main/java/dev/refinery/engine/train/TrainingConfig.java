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
 * @param evalEvery            validation loss every N steps (0 = only at the end)
 * @param checkpointEvery      checkpoint every N steps (0 = only the final state)
 * @param earlyStoppingPatience stop after this many evaluations without improvement (0 = never)
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
        int evalEvery,
        int checkpointEvery,
        int earlyStoppingPatience) {

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
        check(evalEvery >= 0 && checkpointEvery >= 0 && earlyStoppingPatience >= 0, "eval/checkpoint intervals and patience must be >= 0");
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
                Batching.PADDED, 0, Overflow.FAIL, 0, 0, 0);
    }

    public TrainingConfig withEpochs(int n) {
        return new TrainingConfig(type, lora, n, batchSize, gradientAccumulation, learningRate, schedule, warmupRatio, minLrRatio,
                numCycles, weightDecay, maxGradNorm, seed, trainOnInputs, batching, maxSeqLen, overflow, evalEvery, checkpointEvery,
                earlyStoppingPatience);
    }

    public TrainingConfig withLearningRate(float lr) {
        return new TrainingConfig(type, lora, epochs, batchSize, gradientAccumulation, lr, schedule, warmupRatio, minLrRatio,
                numCycles, weightDecay, maxGradNorm, seed, trainOnInputs, batching, maxSeqLen, overflow, evalEvery, checkpointEvery,
                earlyStoppingPatience);
    }

    public TrainingConfig withBatch(int size, int accumulation, Batching mode) {
        return new TrainingConfig(type, lora, epochs, size, accumulation, learningRate, schedule, warmupRatio, minLrRatio,
                numCycles, weightDecay, maxGradNorm, seed, trainOnInputs, mode, maxSeqLen, overflow, evalEvery, checkpointEvery,
                earlyStoppingPatience);
    }

    public TrainingConfig withLora(LoraConfig l) {
        return new TrainingConfig(TrainingType.LORA, l, epochs, batchSize, gradientAccumulation, learningRate, schedule, warmupRatio,
                minLrRatio, numCycles, weightDecay, maxGradNorm, seed, trainOnInputs, batching, maxSeqLen, overflow, evalEvery,
                checkpointEvery, earlyStoppingPatience);
    }

    public TrainingConfig withFullFineTuning() {
        return new TrainingConfig(TrainingType.FULL, lora, epochs, batchSize, gradientAccumulation, learningRate, schedule, warmupRatio,
                minLrRatio, numCycles, weightDecay, maxGradNorm, seed, trainOnInputs, batching, maxSeqLen, overflow, evalEvery,
                checkpointEvery, earlyStoppingPatience);
    }

    public TrainingConfig withSchedule(LrSchedule.Kind kind, float warmup, float minRatio) {
        return new TrainingConfig(type, lora, epochs, batchSize, gradientAccumulation, learningRate, kind, warmup, minRatio,
                numCycles, weightDecay, maxGradNorm, seed, trainOnInputs, batching, maxSeqLen, overflow, evalEvery, checkpointEvery,
                earlyStoppingPatience);
    }

    public TrainingConfig withRegularisation(float decay, float clip) {
        return new TrainingConfig(type, lora, epochs, batchSize, gradientAccumulation, learningRate, schedule, warmupRatio, minLrRatio,
                numCycles, decay, clip, seed, trainOnInputs, batching, maxSeqLen, overflow, evalEvery, checkpointEvery,
                earlyStoppingPatience);
    }

    public TrainingConfig withSeed(long s) {
        return new TrainingConfig(type, lora, epochs, batchSize, gradientAccumulation, learningRate, schedule, warmupRatio, minLrRatio,
                numCycles, weightDecay, maxGradNorm, s, trainOnInputs, batching, maxSeqLen, overflow, evalEvery, checkpointEvery,
                earlyStoppingPatience);
    }

    public TrainingConfig withTrainOnInputs(boolean on) {
        return new TrainingConfig(type, lora, epochs, batchSize, gradientAccumulation, learningRate, schedule, warmupRatio, minLrRatio,
                numCycles, weightDecay, maxGradNorm, seed, on, batching, maxSeqLen, overflow, evalEvery, checkpointEvery,
                earlyStoppingPatience);
    }

    public TrainingConfig withSequences(int maxLen, Overflow policy) {
        return new TrainingConfig(type, lora, epochs, batchSize, gradientAccumulation, learningRate, schedule, warmupRatio, minLrRatio,
                numCycles, weightDecay, maxGradNorm, seed, trainOnInputs, batching, maxLen, policy, evalEvery, checkpointEvery,
                earlyStoppingPatience);
    }

    public TrainingConfig withEvaluation(int every, int patience) {
        return new TrainingConfig(type, lora, epochs, batchSize, gradientAccumulation, learningRate, schedule, warmupRatio, minLrRatio,
                numCycles, weightDecay, maxGradNorm, seed, trainOnInputs, batching, maxSeqLen, overflow, every, checkpointEvery,
                patience);
    }

    public TrainingConfig withCheckpointEvery(int every) {
        return new TrainingConfig(type, lora, epochs, batchSize, gradientAccumulation, learningRate, schedule, warmupRatio, minLrRatio,
                numCycles, weightDecay, maxGradNorm, seed, trainOnInputs, batching, maxSeqLen, overflow, evalEvery, every,
                earlyStoppingPatience);
    }
}
