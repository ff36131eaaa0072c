package dev.refinery.engine.train;

import dev.refinery.engine.nn.Gradients;
import dev.refinery.engine.nn.TokenBatch;
import dev.refinery.engine.nn.Transformer;

import java.util.ArrayList;
import java.util.List;

/** Supervised fine-tuning: the mean NLL of the target tokens of each optimizer step. */
final class SupervisedObjective implements Objective {

    private static final int VALIDATION_BATCH = 16;

    private final BatchPlan plan;
    private final List<TokenBatch> validation;

    SupervisedObjective(List<TrainingExample> train, List<TrainingExample> validation, TrainingConfig config, int modelContext) {
        this.plan = new BatchPlan(train, config, modelContext);
        this.validation = validationBatches(validation, plan.maxSeqLen());
    }

    @Override
    public int totalSteps() {
        return plan.totalSteps();
    }

    @Override
    public StepResult step(int step, Transformer model, Gradients grads, long seed) {
        BatchPlan.Step work = plan.step(step);
        int targets = 0;
        int tokens = 0;
        for (TokenBatch mb : work.microBatches()) {
            targets += mb.targetCount();
            tokens += mb.size();
        }
        double nll = 0;
        float lossScale = 1f / targets;
        for (int i = 0; i < work.microBatches().size(); i++) {
            nll += model.lossAndGradients(work.microBatches().get(i), grads, lossScale, seed + i).nllSum();
        }
        return new StepResult(nll / targets, tokens, work.epoch(), Double.NaN, Double.NaN);
    }

    @Override
    public boolean hasValidation() {
        return !validation.isEmpty();
    }

    @Override
    public double validationLoss(Transformer model) {
        return Trainer.meanLoss(model, validation);
    }

    @Override
    public int dropped() {
        return plan.dropped();
    }

    @Override
    public int truncated() {
        return plan.truncated();
    }

    private static List<TokenBatch> validationBatches(List<TrainingExample> validation, int maxSeqLen) {
        List<TokenBatch> out = new ArrayList<>();
        if (validation == null) {
            return out;
        }
        TokenBatch.Builder b = new TokenBatch.Builder(maxSeqLen);
        int count = 0;
        for (TrainingExample e : validation) {
            if (e.length() > maxSeqLen) {
                continue;
            }
            b.add(e.ids(), e.lossMask());
            if (++count == VALIDATION_BATCH) {
                out.add(b.build());
                b = new TokenBatch.Builder(maxSeqLen);
                count = 0;
            }
        }
        if (!b.isEmpty()) {
            out.add(b.build());
        }
        return out;
    }
}
