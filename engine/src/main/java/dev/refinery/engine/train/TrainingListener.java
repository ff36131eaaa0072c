package dev.refinery.engine.train;

import java.nio.file.Path;

/** Progress of a run, for logs, job events and live views. Every method has a no-op default. */
public interface TrainingListener {

    /** After each optimizer step. */
    default void onStep(StepMetrics metrics) {
    }

    /** After each validation pass. */
    default void onEvaluation(int step, double validationLoss) {
    }

    /** After a checkpoint has been written completely. */
    default void onCheckpoint(int step, Path directory) {
    }

    /** Called between steps; returning true stops the run cleanly after writing a checkpoint. */
    default boolean cancelRequested() {
        return false;
    }

    TrainingListener NONE = new TrainingListener() {
    };

    /**
     * One optimizer step.
     *
     * @param step            1-based step number
     * @param totalSteps      steps in the whole run
     * @param epoch           fractional epoch reached (e.g. 1.5)
     * @param loss            mean training loss of the step (per target token for SFT, per pair for DPO)
     * @param learningRate    rate used for the step
     * @param gradNorm        global gradient norm before clipping
     * @param tokens          tokens processed in the step
     * @param tokensPerSecond throughput of the step
     * @param etaSeconds      estimated seconds until the run ends
     * @param rewardAccuracy  preference runs: share of the step's pairs whose chosen answer the model prefers; NaN otherwise
     * @param rewardMargin    preference runs: mean implicit-reward margin, chosen minus rejected; NaN otherwise
     */
    record StepMetrics(int step, int totalSteps, double epoch, double loss, double learningRate, double gradNorm,
                       int tokens, double tokensPerSecond, double etaSeconds, double rewardAccuracy, double rewardMargin) {
    }
}
