package dev.refinery.engine.train;

import dev.refinery.engine.lora.LoraAdapter;
import dev.refinery.engine.lora.LoraConfig;
import dev.refinery.engine.model.ModelConfig;
import dev.refinery.engine.model.ModelWeights;
import dev.refinery.engine.model.Projection;
import dev.refinery.engine.model.RopeStyle;
import dev.refinery.engine.model.Tensor;
import dev.refinery.engine.nn.Gradients;
import dev.refinery.engine.nn.TokenBatch;
import dev.refinery.engine.nn.Transformer;
import dev.refinery.engine.testing.TestModels;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** DPO on the engine: exact gradients, learning a preference, SFT then DPO from the SFT adapter, resuming. */
class PreferenceTrainingTest {

    private static final ModelWeights BASE = TestModels.stories260k();

    /**
     * Pairs over random prompts: the chosen answer repeats one pattern, the rejected answer another. Which is which is
     * the only thing to learn, and it carries over to prompts never seen.
     */
    static List<PreferenceExample> pairs(int count, long seed) {
        SplittableRandom rnd = new SplittableRandom(seed);
        List<PreferenceExample> out = new ArrayList<>();
        for (int n = 0; n < count; n++) {
            int[] prompt = new int[6 + rnd.nextInt(6)];
            prompt[0] = 1;
            for (int i = 1; i < prompt.length; i++) {
                prompt[i] = 3 + rnd.nextInt(500);
            }
            out.add(new PreferenceExample(answer(prompt, 300, 5, 6 + rnd.nextInt(4)), answer(prompt, 400, 7, 6 + rnd.nextInt(4))));
        }
        return out;
    }

    private static TrainingExample answer(int[] prompt, int first, int period, int length) {
        int[] ids = java.util.Arrays.copyOf(prompt, prompt.length + length);
        boolean[] mask = new boolean[ids.length];
        for (int i = prompt.length; i < ids.length; i++) {
            ids[i] = first + (i % period);
            mask[i] = true;
        }
        return new TrainingExample(ids, mask);
    }

    private static TrainingConfig config() {
        return TrainingConfig.defaults()
                .withLora(new LoraConfig(4, 8f, 0.05f, EnumSet.of(Projection.Q, Projection.V, Projection.O, Projection.DOWN)))
                .withBatch(4, 1, TrainingConfig.Batching.PADDED)
                .withEpochs(2)
                .withLearningRate(5e-3f)
                .withSchedule(LrSchedule.Kind.COSINE, 0f, 0.1f);
    }

    @Test
    void weightedSequenceGradientsAreTheGradientsOfTheDpoLoss() {
        ModelConfig c = new ModelConfig("test", 16, 24, 2, 4, 2, 4, 32, 16, 1e-5f, 10000f, RopeStyle.HALF, false, true);
        ModelWeights w = ModelWeights.random(c, 3);
        SplittableRandom rnd = new SplittableRandom(8);
        for (Tensor t : w.all()) {
            float[] d = t.data();
            for (int i = 0; i < d.length; i++) {
                d[i] = t.name().contains("norm") ? (float) (0.5 + rnd.nextDouble()) : (float) ((rnd.nextDouble() - 0.5) * 0.8);
            }
        }
        Transformer model = new Transformer(w, null);
        PreferenceLoss loss = new PreferenceLoss(PreferenceLoss.Variant.STANDARD, 0.7f, 0.3f, 0f);
        TokenBatch batch = new TokenBatch.Builder(16)
                .add(new int[] {1, 5, 9, 2, 7, 7, 3}, new boolean[] {false, false, false, true, true, true, true})
                .add(new int[] {1, 5, 9, 4, 11}, new boolean[] {false, false, false, true, true})
                .build();
        double refChosen = -12, refRejected = -6;
        Gradients grads = new Gradients(w.all());
        model.weightedSequenceGradients(batch, grads, 0L, lp -> {
            PreferenceLoss.Terms t = loss.pair(lp[0], lp[1], refChosen, refRejected, 4, 2);
            return new float[] {(float) t.chosenWeight(), (float) t.rejectedWeight()};
        });
        SplittableRandom pick = new SplittableRandom(99);
        for (Tensor t : w.all()) {
            float[] d = t.data();
            for (int probe = 0; probe < 3; probe++) {
                int i = pick.nextInt(d.length);
                float original = d[i];
                float eps = 1e-2f;
                d[i] = original + eps;
                double[] up = model.sequenceLogProbs(batch);
                d[i] = original - eps;
                double[] down = model.sequenceLogProbs(batch);
                d[i] = original;
                double numeric = (loss.pair(up[0], up[1], refChosen, refRejected, 4, 2).loss()
                        - loss.pair(down[0], down[1], refChosen, refRejected, 4, 2).loss()) / (2 * eps);
                double analytic = grads.of(t)[i];
                assertTrue(Math.abs(numeric - analytic) <= 2e-3 + 3e-2 * Math.abs(numeric),
                        t.name() + "[" + i + "]: analytic " + analytic + " vs numeric " + numeric);
            }
        }
    }

    @Test
    void dpoLearnsThePreferenceAndItCarriesOverToUnseenPrompts() {
        List<PreferenceExample> validation = pairs(16, 2);
        List<Double> validationLosses = new ArrayList<>();
        TrainingResult result = new Trainer(BASE, config().withEvaluation(4, 0))
                .trainPreferences(pairs(48, 1), validation, PreferenceLoss.defaults(), new TrainingListener() {
                    @Override
                    public void onEvaluation(int step, double loss) {
                        validationLosses.add(loss);
                    }
                }, null);

        TrainingListener.StepMetrics first = result.history().get(0);
        // The reference is the starting model, so the first step's loss is -log sigmoid(0).
        assertEquals(Math.log(2), first.loss(), 1e-4);
        assertEquals(0.0, first.rewardMargin(), 1e-4);
        TrainingListener.StepMetrics last = result.history().get(result.history().size() - 1);
        assertTrue(last.rewardMargin() > 0.5, "the margin grows: " + last.rewardMargin());
        assertEquals(1.0, last.rewardAccuracy(), 1e-9);
        assertTrue(result.finalValidationLoss() < 0.3, "held-out DPO loss falls well below ln 2: " + validationLosses);
    }

    @Test
    void everyVariantTrainsDownhill() {
        for (PreferenceLoss loss : List.of(new PreferenceLoss(PreferenceLoss.Variant.LENGTH_NORMALIZED, 1f, 0f, 0f),
                new PreferenceLoss(PreferenceLoss.Variant.SIMPO, 2f, 0f, 0.5f),
                new PreferenceLoss(PreferenceLoss.Variant.STANDARD, 0.1f, 1f, 0f))) {
            TrainingResult result = new Trainer(BASE, config()).trainPreferences(pairs(32, 1), pairs(8, 2), loss, TrainingListener.NONE, null);
            double first = result.history().get(0).loss();
            assertTrue(result.finalTrainLoss() < first, loss + ": loss " + first + " -> " + result.finalTrainLoss());
            assertTrue(result.history().get(result.history().size() - 1).rewardAccuracy() > 0.5, loss + " prefers the chosen answers");
        }
    }

    @Test
    void dpoAfterSftStartsFromTheSftAdapterAndUsesItAsTheReference() {
        List<TrainingExample> sftData = new ArrayList<>();
        for (PreferenceExample p : pairs(32, 5)) {
            sftData.add(p.chosen());
        }
        LoraAdapter sft = new Trainer(BASE, config()).train(sftData, List.of(), TrainingListener.NONE, null).adapter();
        Map<String, float[]> sftBefore = new java.util.LinkedHashMap<>();
        sft.byPeftName().forEach((k, t) -> sftBefore.put(k, t.data().clone()));

        // Without LoRA dropout the first step's policy is exactly the SFT model (with it, a dropped-out SFT model).
        TrainingConfig noDropout = config().withLora(new LoraConfig(4, 8f, 0f, EnumSet.of(Projection.Q, Projection.V, Projection.O, Projection.DOWN)));
        TrainingResult dpo = new Trainer(BASE, noDropout).continuingFrom(sft)
                .trainPreferences(pairs(32, 1), List.of(), PreferenceLoss.defaults(), TrainingListener.NONE, null);

        assertEquals(Math.log(2), dpo.history().get(0).loss(), 1e-4, "the reference is the SFT model, so the start is ln 2");
        sft.byPeftName().forEach((k, t) -> assertArrayEquals(sftBefore.get(k), t.data(), k + " of the SFT adapter changed"));
        assertEquals(sft.config().rank(), dpo.adapter().config().rank());
        boolean moved = false;
        for (Map.Entry<String, Tensor> e : dpo.adapter().byPeftName().entrySet()) {
            moved |= !java.util.Arrays.equals(sftBefore.get(e.getKey()), e.getValue().data());
        }
        assertTrue(moved, "DPO trained the adapter further");
        // Starting from the SFT adapter is not the same as starting afresh.
        TrainingResult fresh = new Trainer(BASE, noDropout)
                .trainPreferences(pairs(32, 1), List.of(), PreferenceLoss.defaults(), TrainingListener.NONE, null);
        assertFalse(java.util.Arrays.equals(fresh.adapter().byPeftName().values().iterator().next().data(),
                dpo.adapter().byPeftName().values().iterator().next().data()));
    }

    @Test
    void aResumedPreferenceRunEqualsAnUninterruptedOne(@TempDir Path tmp) {
        TrainingConfig config = config().withCheckpointEvery(3);
        List<PreferenceExample> train = pairs(24, 1);
        TrainingResult straight = new Trainer(BASE, config).trainPreferences(train, List.of(), PreferenceLoss.defaults(),
                TrainingListener.NONE, tmp.resolve("a"));
        List<Path> checkpoints = new ArrayList<>();
        new Trainer(BASE, config).trainPreferences(train, List.of(), PreferenceLoss.defaults(), new TrainingListener() {
            @Override
            public void onCheckpoint(int step, Path directory) {
                checkpoints.add(directory);
            }
        }, tmp.resolve("b"));
        TrainingResult resumed = new Trainer(BASE, config).resumePreferences(checkpoints.get(0), train, List.of(), PreferenceLoss.defaults(),
                TrainingListener.NONE, tmp.resolve("c"));
        assertEquals(straight.steps(), resumed.steps());
        straight.adapter().byPeftName().forEach((k, t) ->
                assertArrayEquals(t.data(), resumed.adapter().byPeftName().get(k).data(), k + " differs after resuming"));
    }
}
