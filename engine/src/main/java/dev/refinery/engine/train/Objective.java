package dev.refinery.engine.train;

import dev.refinery.engine.nn.Gradients;
import dev.refinery.engine.nn.Transformer;

/**
 * What a run minimises, and over which batches: the training loop ({@link Trainer}) is the same for every
 * objective; only how a step's gradients and the validation loss are computed differs.
 */
interface Objective {

    int totalSteps();

    /** Called once with the model in its starting state, before any checkpoint is restored (reference log-probs). */
    default void start(Transformer initial) {
    }

    /** Adds the gradients of 1-based step {@code step} to {@code grads}; {@code seed} drives dropout. */
    StepResult step(int step, Transformer model, Gradients grads, long seed);

    boolean hasValidation();

    /** The objective's loss on the validation data. */
    double validationLoss(Transformer model);

    int dropped();

    int truncated();

    /**
     * @param loss           mean loss of the step
     * @param tokens         tokens processed
     * @param epoch          fractional epoch reached
     * @param rewardAccuracy preference runs: share of pairs the model prefers correctly; NaN otherwise
     * @param rewardMargin   preference runs: mean implicit-reward margin; NaN otherwise
     */
    record StepResult(double loss, int tokens, double epoch, double rewardAccuracy, double rewardMargin) {
    }
}
