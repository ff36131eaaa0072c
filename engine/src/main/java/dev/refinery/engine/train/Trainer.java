package dev.refinery.engine.train;

import dev.refinery.engine.EngineException;
import dev.refinery.engine.lora.LoraAdapter;
import dev.refinery.engine.lora.LoraConfig;
import dev.refinery.engine.model.ModelWeights;
import dev.refinery.engine.model.Tensor;
import dev.refinery.engine.nn.Gradients;
import dev.refinery.engine.nn.TokenBatch;
import dev.refinery.engine.nn.Transformer;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Runs a fine-tuning job, supervised or on preference pairs: micro-batches, gradient accumulation, clipping, AdamW with a schedule,
 * periodic validation with optional early stopping, checkpoints, and progress reports.
 *
 * <p>LoRA runs train a fresh adapter and never write the base weights; full fine-tuning trains a copy
 * of them. The same seed, data and settings give the same result bit for bit, whether the run went
 * straight through or was resumed from a checkpoint.
 */
public final class Trainer {

    private final ModelWeights base;
    private final TrainingConfig config;
    private final LoraAdapter startingAdapter;

    public Trainer(ModelWeights base, TrainingConfig config) {
        this(base, config, null);
    }

    private Trainer(ModelWeights base, TrainingConfig config, LoraAdapter startingAdapter) {
        this.base = base;
        this.config = config;
        this.startingAdapter = startingAdapter;
    }

    /**
     * A trainer that continues training {@code adapter} (an earlier run's result: SFT's, for DPO after it) instead of a
     * fresh one. The adapter keeps its rank, alpha and target modules; the run's LoRA dropout applies. The adapter
     * itself is not modified: training works on a copy.
     */
    public Trainer continuingFrom(LoraAdapter adapter) {
        if (config.type() != TrainingConfig.TrainingType.LORA) {
            throw new EngineException.InvalidArgument("continuing from an adapter trains that adapter: use LoRA, not full fine-tuning");
        }
        return new Trainer(base, config, adapter);
    }

    /** Supervised training from scratch; checkpoints go under {@code checkpointRoot} when it is not null. */
    public TrainingResult train(List<TrainingExample> train, List<TrainingExample> validation, TrainingListener listener,
                                Path checkpointRoot) {
        return run(supervised(train, validation), listener, checkpointRoot, null);
    }

    /** Continues a supervised run from a complete checkpoint written by an earlier run with the same settings and data. */
    public TrainingResult resume(Path checkpoint, List<TrainingExample> train, List<TrainingExample> validation,
                                 TrainingListener listener, Path checkpointRoot) {
        return run(supervised(train, validation), listener, checkpointRoot, checkpoint);
    }

    /** Preference training (DPO or a variant) from scratch. */
    public TrainingResult trainPreferences(List<PreferenceExample> train, List<PreferenceExample> validation, PreferenceLoss loss,
                                           TrainingListener listener, Path checkpointRoot) {
        return run(preferences(train, validation, loss), listener, checkpointRoot, null);
    }

    /** Continues a preference run from its checkpoint; the reference is recomputed from the same starting state. */
    public TrainingResult resumePreferences(Path checkpoint, List<PreferenceExample> train, List<PreferenceExample> validation,
                                            PreferenceLoss loss, TrainingListener listener, Path checkpointRoot) {
        return run(preferences(train, validation, loss), listener, checkpointRoot, checkpoint);
    }

    private Objective supervised(List<TrainingExample> train, List<TrainingExample> validation) {
        return new SupervisedObjective(train, validation, config, base.config().maxSeqLen());
    }

    private Objective preferences(List<PreferenceExample> train, List<PreferenceExample> validation, PreferenceLoss loss) {
        return new PreferenceObjective(train, validation, loss, config, base.config().maxSeqLen());
    }

    private LoraAdapter initialAdapter() {
        if (startingAdapter == null) {
            return LoraAdapter.initialise(config.lora(), base.config(), config.seed());
        }
        Map<String, Tensor> copies = new LinkedHashMap<>();
        startingAdapter.byPeftName().forEach((name, t) -> copies.put(name, t.copy(name)));
        LoraConfig shape = startingAdapter.config();
        float dropout = config.lora() == null ? shape.dropout() : config.lora().dropout();
        return LoraAdapter.of(new LoraConfig(shape.rank(), shape.alpha(), dropout, shape.targets()), base.config(), copies);
    }

    private TrainingResult run(Objective objective, TrainingListener listener, Path checkpointRoot, Path resumeFrom) {
        LoraAdapter adapter = null;
        ModelWeights weights = base;
        List<Tensor> trainable;
        if (config.type() == TrainingConfig.TrainingType.LORA) {
            adapter = initialAdapter();
            trainable = new ArrayList<>(adapter.byPeftName().values());
        } else {
            weights = base.copy();
            trainable = weights.all();
        }
        Transformer model = new Transformer(weights, adapter);
        objective.start(model);
        Gradients grads = new Gradients(trainable);
        AdamW optimizer = new AdamW(trainable, config.weightDecay());
        int totalSteps = objective.totalSteps();
        LrSchedule schedule = LrSchedule.of(config, totalSteps);
        TrainingConfig.Evaluation evaluation = config.evaluation();
        int evalEvery = evaluation.interval(totalSteps);
        BestWeights bestWeights = new BestWeights(trainable, evaluation.stopsEarly());

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
            grads.zero();
            Objective.StepResult work = objective.step(step, model, grads, config.seed() * 1_000_033L + step * 64L);
            lastLoss = work.loss();
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
                    work.tokens(), work.tokens() / Math.max(seconds, 1e-9), elapsedPerStep * (totalSteps - step),
                    work.rewardAccuracy(), work.rewardMargin());
            history.add(metrics);
            listener.onStep(metrics);

            boolean evaluate = objective.hasValidation() && ((evalEvery > 0 && step % evalEvery == 0) || step == totalSteps);
            if (evaluate) {
                lastValidation = objective.validationLoss(model);
                listener.onEvaluation(step, lastValidation);
                // Together's rules: during the warm-up evaluations the loss only sets the best; after them an evaluation
                // improves when it beats the best by more than minDelta, and patience counts those that do not.
                boolean warmingUp = evalEvery > 0 && step / evalEvery <= evaluation.warmup();
                if (Double.isNaN(best) || lastValidation < best - (warmingUp ? 0 : evaluation.minDelta())) {
                    best = lastValidation;
                    stale = 0;
                    bestWeights.keep(step);
                } else if (!warmingUp) {
                    stale++;
                }
                if (evaluation.stopsEarly() && stale >= evaluation.patience() && step < totalSteps) {
                    stoppedEarly = true;
                    if (bestWeights.restore()) { // the best evaluated weights are the result, as Together promotes its best checkpoint
                        lastValidation = best;
                    }
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
                objective.dropped(), objective.truncated(), history);
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

    /**
     * A copy of the trainable weights at the best evaluation, kept only when early stopping is on, so that a run stopped
     * early ends with the weights that evaluated best rather than the last ones. A resumed run starts without a copy
     * (checkpoints hold the current weights): it keeps its last weights if it stops before evaluating better.
     */
    private static final class BestWeights {
        private final List<Tensor> trainable;
        private final boolean enabled;
        private float[][] copy;

        BestWeights(List<Tensor> trainable, boolean enabled) {
            this.trainable = trainable;
            this.enabled = enabled;
        }

        void keep(int step) {
            if (!enabled) {
                return;
            }
            if (copy == null) {
                copy = new float[trainable.size()][];
            }
            for (int i = 0; i < trainable.size(); i++) {
                float[] data = trainable.get(i).data();
                if (copy[i] == null) {
                    copy[i] = new float[data.length];
                }
                System.arraycopy(data, 0, copy[i], 0, data.length);
            }
        }

        /** Puts the best weights back; false when there is no copy (early stopping off, or none kept since a resume). */
        boolean restore() {
            if (copy == null) {
                return false;
            }
            for (int i = 0; i < trainable.size(); i++) {
                System.arraycopy(copy[i], 0, trainable.get(i).data(), 0, copy[i].length);
            }
            return true;
        }
    }
}
