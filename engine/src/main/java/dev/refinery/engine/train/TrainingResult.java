package dev.refinery.engine.train;

import dev.refinery.engine.lora.LoraAdapter;
import dev.refinery.engine.model.ModelWeights;

import java.util.List;

/**
 * The outcome of a run.
 *
 * @param adapter            the trained adapter (LoRA runs), else null
 * @param weights            the trained weights (full fine-tuning), else the untouched base
 * @param steps              optimizer steps taken
 * @param totalSteps         steps the plan had
 * @param finalTrainLoss     mean loss of the last step
 * @param finalValidationLoss validation loss at the end, NaN without a validation set
 * @param bestValidationLoss lowest validation loss seen, NaN without a validation set
 * @param stoppedEarly       early stopping ended the run
 * @param cancelled          the listener asked to stop
 * @param droppedExamples    examples dropped for being too long
 * @param truncatedExamples  examples truncated to the limit
 * @param history            metrics of every step
 */
public record TrainingResult(LoraAdapter adapter, ModelWeights weights, int steps, int totalSteps, double finalTrainLoss,
                             double finalValidationLoss, double bestValidationLoss, boolean stoppedEarly, boolean cancelled,
                             int droppedExamples, int truncatedExamples, List<TrainingListener.StepMetrics> history) {
}
