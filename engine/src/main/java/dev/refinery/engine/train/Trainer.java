package dev.refinery.engine.train;

import dev.refinery.engine.EngineException;
import dev.refinery.engine.lora.LoraAdapter;
import dev.refinery.engine.model.ModelWeights;
import dev.refinery.engine.model.Tensor;
import dev.refinery.engine.nn.Gradients;
import dev.refinery.engine.nn.TokenBatch;
import dev.refinery.engine.nn.Transformer;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Runs a fine-tuning job: micro-batches, gradient accumulation, clipping, AdamW with a schedule,
 * periodic validation with optional early stopping, checkpoints, and progress reports.
 *
 * <p>LoRA runs train a fresh adapter and never write the base weights; full fine-tuning trains a copy
 * of them. The same seed, data and settings give the same result bit for bit, whether the run went
 * straight through or was resumed from a checkpoint.
 */
public final class Trainer {

    private final ModelWeights base;
    private final TrainingConfig config;

    public Trainer(ModelWeights base, TrainingConfig config) {
        this.base = base;
        this.config = config;
    }

    /** Trains from scratch; checkpoints go under {@code checkpointRoot} when it is not null. */
    public TrainingResult train(List<TrainingExample> train, List<TrainingExample> validation, TrainingListener listener,
                                Path checkpointRoot) {
        return run(train, validation, listener, checkpointRoot, null);
    }

    /** Continues from a complete checkpoint written by an earlier run with the same settings and data. */
    public TrainingResult resume(Path checkpoint, List<TrainingExample> train, List<TrainingExample> validation,
                                 TrainingListener listener, Path checkpointRoot) {
        return run(train, validation, listener, checkpointRoot, checkpoint);
    }

    private TrainingResult run(List<TrainingExample> train, List<TrainingExample> validation, TrainingListener listener,
                               Path checkpointRoot, Path resumeFrom) {
        BatchPlan plan = new BatchPlan(train, config, base.config().maxSeqLen());
        List<TokenBatch> validationBatches = validationBatches(validation, plan.maxSeqLen());
        LoraAdapter adapter = null;
        ModelWeights weights = base;
        List<Tensor> trainable;
        if (config.type() == TrainingConfig.TrainingType.LORA) {
            adapter = LoraAdapter.initialise(config.lora(), base.config(), config.seed());
            trainable = new ArrayList<>(adapter.byPeftName().values());
        } else {
            weights = base.copy();
            trainable = weights.all();
        }
        Transformer model = new Transformer(weights, adapter);
        Gradients grads = new Gradients(trainable);
        AdamW optimizer = new AdamW(trainable, config.weightDecay());
        int totalSteps = plan.totalSteps();
        LrSchedule schedule = LrSchedule.of(config, totalSteps);

        int startStep = 1;
        double best = Double.NaN;
        int stale = 0;
        if (resumeFrom != null) {
            TrainingCheckpoint.State state = TrainingCheckpoint.read(resumeFrom, trainable, optimizer);
            if (state.seed() != config.seed()) {
                throw new EngineException.InvalidArgument("checkpoint " + resumeFrom + " was written with seed " + state.seed()
                        + " but this run uses seed " + config.seed() + ": resuming would not reproduce the run");
            }
            startStep = state.step() + 1;
            best = state.bestValidationLoss();
            stale = state.evaluationsWithoutImprovement();
        }

        List<TrainingListener.StepMetrics> history = new ArrayList<>();
        double lastLoss = Double.NaN;
        double lastValidation = Double.NaN;
        boolean stoppedEarly = false;
        boolean cancelled = false;
        long started = System.nanoTime();
        int step = startStep - 1;
        while (step < totalSteps) {
            if (listener.cancelRequested()) {
                cancelled = true;
                break;
            }
            step++;
            long t0 = System.nanoTime();
            BatchPlan.Step work = plan.step(step);
            int targets = 0;
            int tokens = 0;
            for (TokenBatch mb : work.microBatches()) {
                targets += mb.targetCount();
                tokens += mb.size();
            }
            grads.zero();
            double nll = 0;
            float lossScale = 1f / targets;
            for (int i = 0; i < work.microBatches().size(); i++) {
                nll += model.lossAndGradients(work.microBatches().get(i), grads, lossScale, config.seed() * 1_000_033L + step * 64L + i).nllSum();
            }
            lastLoss = nll / targets;
            double norm = grads.norm();
            if (!Double.isFinite(lastLoss) || !Double.isFinite(norm)) {
                throw new EngineException.NonFiniteLoss("training diverged at step " + step + " (epoch " + String.format("%.2f", work.epoch())
                        + "): loss " + lastLoss + ", gradient norm " + norm + "; try a lower learning rate or gradient clipping");
            }
            if (config.maxGradNorm() > 0 && norm > config.maxGradNorm()) {
                grads.scale((float) (config.maxGradNorm() / norm));
            }
            double lr = schedule.at(step);
            optimizer.step(grads, lr);
            double seconds = (System.nanoTime() - t0) / 1e9;
            double elapsedPerStep = (System.nanoTime() - started) / 1e9 / (step - startStep + 1);
            TrainingListener.StepMetrics metrics = new TrainingListener.StepMetrics(step, totalSteps, work.epoch(), lastLoss, lr, norm,
                    tokens, tokens / Math.max(seconds, 1e-9), elapsedPerStep * (totalSteps - step));
            history.add(metrics);
            listener.onStep(metrics);

            boolean evaluate = !validationBatches.isEmpty()
                    && ((config.evalEvery() > 0 && step % config.evalEvery() == 0) || step == totalSteps);
            if (evaluate) {
                lastValidation = meanLoss(model, validationBatches);
                listener.onEvaluation(step, lastValidation);
                if (Double.isNaN(best) || lastValidation < best) {
                    best = lastValidation;
                    stale = 0;
                } else {
                    stale++;
                }
                if (config.earlyStoppingPatience() > 0 && stale >= config.earlyStoppingPatience()) {
                    stoppedEarly = true;
                }
            }
            boolean checkpoint = checkpointRoot != null
                    && ((config.checkpointEvery() > 0 && step % config.checkpointEvery() == 0) || step == totalSteps || stoppedEarly);
            if (checkpoint) {
                Path dir = TrainingCheckpoint.write(checkpointRoot, new TrainingCheckpoint.State(step, best, stale, config.seed()),
                        trainable, optimizer);
                listener.onCheckpoint(step, dir);
            }
            if (stoppedEarly) {
                break;
            }
        }
        if (cancelled && checkpointRoot != null && step >= startStep) {
            Path dir = TrainingCheckpoint.write(checkpointRoot, new TrainingCheckpoint.State(step, best, stale, config.seed()), trainable, optimizer);
            listener.onCheckpoint(step, dir);
        }
        return new TrainingResult(adapter, weights, step, totalSteps, lastLoss, lastValidation, best, stoppedEarly, cancelled,
                plan.dropped(), plan.truncated(), history);
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
            if (++count == 16) {
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

    /** Mean NLL per target token over the validation batches. */
    public static double meanLoss(Transformer model, List<TokenBatch> batches) {
        double nll = 0;
        long targets = 0;
        for (TokenBatch b : batches) {
            Transformer.LossResult r = model.loss(b);
            nll += r.nllSum();
            targets += r.targetCount();
        }
        return targets == 0 ? Double.NaN : nll / targets;
    }
}
