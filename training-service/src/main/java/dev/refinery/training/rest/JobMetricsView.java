package dev.refinery.training.rest;

import java.util.List;

/** A job's training curve: one entry per optimizer step, and the validation losses measured. */
public record JobMetricsView(String jobId, List<Step> steps, List<Validation> validation) {

    /** One optimizer step. */
    public record Step(int step, double epoch, double loss, double learningRate, double gradNorm, int tokens, double tokensPerSecond) {
    }

    /** Validation loss after a step. */
    public record Validation(int step, double loss) {
    }
}
