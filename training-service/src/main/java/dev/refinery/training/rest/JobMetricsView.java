package dev.refinery.training.rest;

import java.util.List;

/** A job's training curve: one entry per optimizer step, and the validation losses measured. */
public record JobMetricsView(String jobId, List<Step> steps, List<Validation> validation) {

    /**
     * One optimizer step; a provider job leaves out what its provider does not report (null). DPO steps on the local
     * engine add rewardAccuracy (share of pairs whose chosen answer the model prefers) and rewardMargin.
     */
    public record Step(int step, Double epoch, Double loss, Double learningRate, Double gradNorm, Integer tokens, Double tokensPerSecond,
                       Double rewardAccuracy, Double rewardMargin) {
    }

    /** Validation loss after a step. */
    public record Validation(int step, double loss) {
    }
}
