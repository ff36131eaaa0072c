package dev.refinery.engine.train;

import dev.refinery.engine.EngineException;
import dev.refinery.engine.nn.Gradients;
import dev.refinery.engine.nn.TokenBatch;
import dev.refinery.engine.nn.Transformer;

import java.util.ArrayList;
import java.util.List;

/**
 * Direct preference optimisation and its variants ({@link PreferenceLoss}): the mean pair loss of each optimizer
 * step. The reference is the model as the run starts (the base for a fresh adapter, whose B matrices are zero; the
 * earlier adapter when continuing from one; the initial weights for full fine-tuning): its log-probabilities never
 * change, so they are computed once, without dropout, before the first step.
 */
final class PreferenceObjective implements Objective {

    private static final int REFERENCE_BATCH = 16;

    private final PreferenceLoss loss;
    private final Pairs train;
    private final Pairs validation;
    private final EpochPlan epochs;
    private final int dropped;
    private final int truncated;

    PreferenceObjective(List<PreferenceExample> train, List<PreferenceExample> validation, PreferenceLoss loss, TrainingConfig config,
                        int modelContext) {
        if (config.trainOnInputs()) {
            throw new EngineException.InvalidArgument("train_on_inputs does not apply to DPO: its loss compares the two answers only");
        }
        this.loss = loss;
        int maxSeqLen = BatchPlan.maxSeqLen(config, modelContext);
        SequenceFit fit = new SequenceFit(maxSeqLen, config.overflow());
        List<PreferenceExample> kept = new ArrayList<>();
        for (int i = 0; i < train.size(); i++) {
            PreferenceExample p = train.get(i);
            TrainingExample[] fitted = fit.fit("training pair " + (i + 1), p.chosen(), p.rejected());
            if (fitted != null && SequenceFit.hasTarget(fitted[0]) && SequenceFit.hasTarget(fitted[1])) {
                kept.add(new PreferenceExample(fitted[0], fitted[1]));
            }
        }
        if (kept.isEmpty()) {
            throw new EngineException.InvalidArgument("no preference pair has two answers to compare (all were dropped or empty)");
        }
        this.train = new Pairs(kept, maxSeqLen);
        List<PreferenceExample> shortEnough = new ArrayList<>();
        for (PreferenceExample p : validation == null ? List.<PreferenceExample>of() : validation) {
            if (p.chosen().length() <= maxSeqLen && p.rejected().length() <= maxSeqLen
                    && SequenceFit.hasTarget(p.chosen()) && SequenceFit.hasTarget(p.rejected())) {
                shortEnough.add(p);
            }
        }
        this.validation = new Pairs(shortEnough, maxSeqLen);
        this.dropped = fit.dropped();
        this.truncated = fit.truncated();
        int[] lengths = kept.stream().mapToInt(p -> p.chosen().length() + p.rejected().length()).toArray();
        this.epochs = new EpochPlan(lengths, config, config.batchSize() * maxSeqLen);
    }

    @Override
    public int totalSteps() {
        return epochs.totalSteps();
    }

    @Override
    public void start(Transformer initial) {
        if (loss.needsReference()) {
            train.computeReference(initial);
            validation.computeReference(initial);
        }
    }

    @Override
    public StepResult step(int step, Transformer model, Gradients grads, long seed) {
        EpochPlan.Step work = epochs.step(step);
        int pairs = 0;
        for (int[] mb : work.microBatches()) {
            pairs += mb.length;
        }
        Tally tally = new Tally();
        float share = 1f / pairs;
        int tokens = 0;
        for (int i = 0; i < work.microBatches().size(); i++) {
            int[] indices = work.microBatches().get(i);
            TokenBatch batch = train.batch(indices);
            tokens += batch.size();
            model.weightedSequenceGradients(batch, grads, seed + i, logProbs -> {
                float[] weights = new float[logProbs.length];
                for (int k = 0; k < indices.length; k++) {
                    PreferenceLoss.Terms t = train.terms(loss, indices[k], logProbs[2 * k], logProbs[2 * k + 1]);
                    tally.add(t);
                    weights[2 * k] = (float) (t.chosenWeight() * share);
                    weights[2 * k + 1] = (float) (t.rejectedWeight() * share);
                }
                return weights;
            });
        }
        return new StepResult(tally.loss / pairs, tokens, work.epoch(), (double) tally.preferred / pairs, tally.margin / pairs);
    }

    @Override
    public boolean hasValidation() {
        return validation.size() > 0;
    }

    @Override
    public double validationLoss(Transformer model) {
        Tally tally = new Tally();
        for (int from = 0; from < validation.size(); from += REFERENCE_BATCH) {
            int[] indices = validation.range(from, Math.min(validation.size(), from + REFERENCE_BATCH));
            double[] logProbs = model.sequenceLogProbs(validation.batch(indices));
            for (int k = 0; k < indices.length; k++) {
                tally.add(validation.terms(loss, indices[k], logProbs[2 * k], logProbs[2 * k + 1]));
            }
        }
        return tally.loss / validation.size();
    }

    @Override
    public int dropped() {
        return dropped;
    }

    @Override
    public int truncated() {
        return truncated;
    }

    /** Sums over the pairs of a step or of the validation set. */
    private static final class Tally {
        double loss;
        double margin;
        int preferred;

        void add(PreferenceLoss.Terms t) {
            loss += t.loss();
            margin += t.rewardMargin();
            preferred += t.preferred() ? 1 : 0;
        }
    }

    /** A set of pairs with their answers' lengths and, once computed, their reference log-probabilities. */
    private static final class Pairs {
        private final List<PreferenceExample> pairs;
        private final int maxSeqLen;
        private final int[] chosenTargets;
        private final int[] rejectedTargets;
        private final double[] referenceChosen;
        private final double[] referenceRejected;

        Pairs(List<PreferenceExample> pairs, int maxSeqLen) {
            this.pairs = pairs;
            this.maxSeqLen = maxSeqLen;
            this.chosenTargets = new int[pairs.size()];
            this.rejectedTargets = new int[pairs.size()];
            for (int i = 0; i < pairs.size(); i++) {
                chosenTargets[i] = targets(pairs.get(i).chosen());
                rejectedTargets[i] = targets(pairs.get(i).rejected());
            }
            this.referenceChosen = new double[pairs.size()];
            this.referenceRejected = new double[pairs.size()];
        }

        int size() {
            return pairs.size();
        }

        void computeReference(Transformer initial) {
            for (int from = 0; from < pairs.size(); from += REFERENCE_BATCH) {
                int[] indices = range(from, Math.min(pairs.size(), from + REFERENCE_BATCH));
                double[] logProbs = initial.sequenceLogProbs(batch(indices));
                for (int k = 0; k < indices.length; k++) {
                    referenceChosen[indices[k]] = logProbs[2 * k];
                    referenceRejected[indices[k]] = logProbs[2 * k + 1];
                }
            }
        }

        /** The pairs' answers side by side: sequence 2k is pair k's chosen answer, 2k + 1 its rejected one. */
        TokenBatch batch(int[] indices) {
            TokenBatch.Builder b = new TokenBatch.Builder(maxSeqLen);
            for (int i : indices) {
                PreferenceExample p = pairs.get(i);
                b.add(p.chosen().ids(), p.chosen().lossMask());
                b.add(p.rejected().ids(), p.rejected().lossMask());
            }
            return b.build();
        }

        PreferenceLoss.Terms terms(PreferenceLoss loss, int pair, double chosenLogProb, double rejectedLogProb) {
            return loss.pair(chosenLogProb, rejectedLogProb, referenceChosen[pair], referenceRejected[pair],
                    chosenTargets[pair], rejectedTargets[pair]);
        }

        int[] range(int from, int to) {
            int[] out = new int[to - from];
            for (int i = 0; i < out.length; i++) {
                out[i] = from + i;
            }
            return out;
        }

        private static int targets(TrainingExample e) {
            int n = 0;
            for (int i = 1; i < e.length(); i++) {
                if (e.lossMask()[i]) {
                    n++;
                }
            }
            return n;
        }
    }
}
