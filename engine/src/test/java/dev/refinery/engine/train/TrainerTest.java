package dev.refinery.engine.train;

import dev.refinery.engine.EngineException;
import dev.refinery.engine.lora.LoraConfig;
import dev.refinery.engine.model.ModelWeights;
import dev.refinery.engine.model.Projection;
import dev.refinery.engine.model.Tensor;
import dev.refinery.engine.testing.TestModels;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TrainerTest {

    private static final ModelWeights BASE = TestModels.stories260k();

    /** Sequences whose second half repeats a fixed pattern: learnable, and only the second half is a target. */
    private static List<TrainingExample> examples(int count, long seed) {
        SplittableRandom rnd = new SplittableRandom(seed);
        List<TrainingExample> out = new ArrayList<>();
        for (int n = 0; n < count; n++) {
            int len = 12 + rnd.nextInt(8);
            int[] ids = new int[len];
            boolean[] mask = new boolean[len];
            ids[0] = 1;
            for (int i = 1; i < len; i++) {
                boolean answer = i >= len / 2;
                ids[i] = answer ? 300 + (i % 5) : 3 + rnd.nextInt(500);
                mask[i] = answer;
            }
            out.add(new TrainingExample(ids, mask));
        }
        return out;
    }

    private static TrainingConfig config() {
        return TrainingConfig.defaults()
                .withLora(new LoraConfig(4, 8f, 0.1f, EnumSet.of(Projection.Q, Projection.V, Projection.O, Projection.DOWN)))
                .withBatch(4, 2, TrainingConfig.Batching.PADDED)
                .withEpochs(2)
                .withLearningRate(5e-3f)
                .withSchedule(LrSchedule.Kind.COSINE, 0.1f, 0.1f)
                .withRegularisation(0.01f, 1f);
    }

    @Test
    void loraTrainingLowersTheLossAndLeavesBaseWeightsBitIdentical() {
        Map<String, float[]> before = new java.util.LinkedHashMap<>();
        for (Map.Entry<String, Tensor> e : BASE.byHfName().entrySet()) {
            before.put(e.getKey(), e.getValue().data().clone());
        }
        List<TrainingExample> data = examples(32, 1);
        TrainingResult result = new Trainer(BASE, config()).train(data, examples(8, 2), TrainingListener.NONE, null);

        assertEquals(result.totalSteps(), result.steps());
        double first = result.history().get(0).loss();
        assertTrue(result.finalTrainLoss() < first * 0.5, "loss should fall from " + first + " but ended at " + result.finalTrainLoss());
        assertTrue(result.finalValidationLoss() < first, "validation loss " + result.finalValidationLoss());
        for (Map.Entry<String, Tensor> e : BASE.byHfName().entrySet()) {
            assertArrayEquals(before.get(e.getKey()), e.getValue().data(), e.getKey() + " changed");
        }
        assertNotNull(result.adapter());
    }

    @Test
    void aResumedRunEqualsAnUninterruptedOne(@TempDir Path tmp) {
        List<TrainingExample> data = examples(24, 3);
        TrainingConfig cfg = config().withCheckpointEvery(2);
        TrainingResult straight = new Trainer(BASE, cfg).train(data, null, TrainingListener.NONE, tmp.resolve("a"));

        // Second run is "killed" after step 3: the listener cancels, leaving checkpoints up to then.
        int[] steps = {0};
        TrainingListener stopAfter3 = new TrainingListener() {
            @Override
            public void onStep(StepMetrics m) {
                steps[0] = m.step();
            }

            @Override
            public boolean cancelRequested() {
                return steps[0] >= 3;
            }
        };
        TrainingResult interrupted = new Trainer(BASE, cfg).train(data, null, stopAfter3, tmp.resolve("b"));
        assertTrue(interrupted.cancelled());
        Path latest = TrainingCheckpoint.latest(tmp.resolve("b"));
        assertEquals("step-3", latest.getFileName().toString());
        TrainingResult resumed = new Trainer(BASE, cfg).resume(latest, data, null, TrainingListener.NONE, tmp.resolve("b"));

        assertEquals(straight.steps(), resumed.steps());
        Map<String, Tensor> a = straight.adapter().byPeftName();
        Map<String, Tensor> b = resumed.adapter().byPeftName();
        assertEquals(a.keySet(), b.keySet());
        for (String name : a.keySet()) {
            assertArrayEquals(a.get(name).data(), b.get(name).data(), name + " differs after resume");
        }
        assertEquals(straight.finalTrainLoss(), resumed.finalTrainLoss());
    }

    @Test
    void anIncompleteCheckpointIsRefused(@TempDir Path tmp) throws Exception {
        List<TrainingExample> data = examples(8, 4);
        TrainingConfig cfg = config().withEpochs(1).withCheckpointEvery(1);
        new Trainer(BASE, cfg).train(data, null, TrainingListener.NONE, tmp);
        Path latest = TrainingCheckpoint.latest(tmp);
        Files.delete(latest.resolve(TrainingCheckpoint.COMPLETE_MARKER));
        assertFalse(TrainingCheckpoint.isComplete(latest));
        EngineException e = assertThrows(EngineException.CorruptCheckpoint.class,
                () -> new Trainer(BASE, cfg).resume(latest, data, null, TrainingListener.NONE, tmp));
        assertTrue(e.getMessage().contains("not a complete checkpoint"), e.getMessage());
    }

    @Test
    void sameSeedSameResultDifferentSeedDifferentResult() {
        List<TrainingExample> data = examples(16, 5);
        TrainingConfig cfg = config().withEpochs(1);
        float[] a = firstA(new Trainer(BASE, cfg).train(data, null, TrainingListener.NONE, null));
        float[] b = firstA(new Trainer(BASE, cfg).train(data, null, TrainingListener.NONE, null));
        float[] c = firstA(new Trainer(BASE, cfg.withSeed(7)).train(data, null, TrainingListener.NONE, null));
        assertArrayEquals(a, b);
        assertFalse(java.util.Arrays.equals(a, c));
    }

    private static float[] firstA(TrainingResult r) {
        return r.adapter().byPeftName().values().iterator().next().data();
    }

    @Test
    void fullFineTuningTrainsACopyAndLeavesTheBaseAlone() {
        float[] embBefore = BASE.tokenEmbedding.data().clone();
        TrainingConfig cfg = config().withFullFineTuning().withEpochs(1).withLearningRate(1e-3f);
        TrainingResult r = new Trainer(BASE, cfg).train(examples(16, 6), null, TrainingListener.NONE, null);
        assertArrayEquals(embBefore, BASE.tokenEmbedding.data());
        assertFalse(java.util.Arrays.equals(embBefore, r.weights().tokenEmbedding.data()));
        assertTrue(r.finalTrainLoss() < r.history().get(0).loss());
    }

    @Test
    void aLossThatBecomesNaNStopsTheRunWithAClearError() {
        ModelWeights broken = BASE.copy();
        broken.layers[2].wv.data()[5] = Float.NaN;
        EngineException e = assertThrows(EngineException.NonFiniteLoss.class,
                () -> new Trainer(broken, config()).train(examples(8, 7), null, TrainingListener.NONE, null));
        assertTrue(e.getMessage().contains("step 1"), e.getMessage());
        assertEquals("ENGINE_NON_FINITE_LOSS", e.code());
    }

    @Test
    void tooLongExamplesFailOrAreDroppedOrTruncatedAsAsked() {
        List<TrainingExample> data = new ArrayList<>(examples(4, 8));
        int[] longIds = new int[40];
        boolean[] mask = new boolean[40];
        java.util.Arrays.fill(longIds, 5);
        java.util.Arrays.fill(mask, 20, 40, true);
        data.add(new TrainingExample(longIds, mask));
        TrainingConfig fail = config().withEpochs(1).withSequences(32, TrainingConfig.Overflow.FAIL);
        EngineException e = assertThrows(EngineException.ContextTooLong.class,
                () -> new Trainer(BASE, fail).train(data, null, TrainingListener.NONE, null));
        assertTrue(e.getMessage().contains("training example 5 has 40 tokens, 8 more than the limit of 32"), e.getMessage());
        TrainingResult dropped = new Trainer(BASE, config().withEpochs(1).withSequences(32, TrainingConfig.Overflow.DROP))
                .train(data, null, TrainingListener.NONE, null);
        assertEquals(1, dropped.droppedExamples());
        TrainingResult truncated = new Trainer(BASE, config().withEpochs(1).withSequences(32, TrainingConfig.Overflow.TRUNCATE))
                .train(data, null, TrainingListener.NONE, null);
        assertEquals(1, truncated.truncatedExamples());
    }

    @Test
    void earlyStoppingEndsTheRunWhenValidationStopsImproving() {
        List<TrainingExample> validation = unrelatedValidation();
        TrainingConfig cfg = config().withEpochs(10).withLearningRate(2e-2f).withEvaluation(1, 2);
        TrainingResult r = new Trainer(BASE, cfg).train(examples(16, 9), validation, TrainingListener.NONE, null);
        assertTrue(r.stoppedEarly());
        assertTrue(r.steps() < r.totalSteps());
    }

    @Test
    void warmUpEvaluationsNeverCountAndAStoppedRunEndsWithItsBestWeights() {
        List<TrainingExample> validation = unrelatedValidation();
        // minDelta so large that no evaluation after the warm-up counts as better: the run must stop at the first evaluation
        // after the two warm-up ones (patience 1), and must end with the weights of the best warm-up evaluation.
        TrainingConfig cfg = config().withEpochs(10).withLearningRate(2e-2f)
                .withEvaluation(new TrainingConfig.Evaluation(1, 0, 1, 100f, 2));
        Map<Integer, Double> evaluations = new TreeMap<>();
        TrainingResult stopped = new Trainer(BASE, cfg).train(examples(16, 9), validation, new TrainingListener() {
            @Override
            public void onEvaluation(int step, double validationLoss) {
                evaluations.put(step, validationLoss);
            }
        }, null);

        assertTrue(stopped.stoppedEarly());
        assertEquals(List.of(1, 2, 3), List.copyOf(evaluations.keySet()), "two warm-up evaluations, then one stale one");
        int bestStep = evaluations.get(1) <= evaluations.get(2) ? 1 : 2;
        assertEquals(evaluations.get(bestStep), stopped.bestValidationLoss(), 0.0);
        assertEquals(stopped.bestValidationLoss(), stopped.finalValidationLoss(), 0.0, "the result reports the restored weights' loss");

        // The same run cut off right after the best step holds the weights the stopped run must have restored.
        TrainingResult cutAtBest = new Trainer(BASE, cfg.withEvaluation(TrainingConfig.Evaluation.AT_THE_END))
                .train(examples(16, 9), validation, new TrainingListener() {
                    private int steps;

                    @Override
                    public void onStep(StepMetrics metrics) {
                        steps = metrics.step();
                    }

                    @Override
                    public boolean cancelRequested() {
                        return steps >= bestStep;
                    }
                }, null);
        Map<String, Tensor> restored = stopped.adapter().byPeftName();
        Map<String, Tensor> expected = cutAtBest.adapter().byPeftName();
        assertEquals(expected.keySet(), restored.keySet());
        for (String name : expected.keySet()) {
            assertArrayEquals(expected.get(name).data(), restored.get(name).data(), 0f, name);
        }
    }

    /** Validation data unrelated to the training pattern: its loss gets worse as the model overfits. */
    private static List<TrainingExample> unrelatedValidation() {
        List<TrainingExample> validation = new ArrayList<>();
        SplittableRandom rnd = new SplittableRandom(11);
        for (int n = 0; n < 8; n++) {
            int[] ids = new int[16];
            boolean[] mask = new boolean[16];
            for (int i = 0; i < 16; i++) {
                ids[i] = 3 + rnd.nextInt(500);
                mask[i] = i >= 8;
            }
            validation.add(new TrainingExample(ids, mask));
        }
        return validation;
    }

    @Test
    void packedBatchingUsesFewerMicroBatchesThanPadded() {
        List<TrainingExample> data = examples(32, 10);
        TrainingConfig padded = config().withEpochs(1).withBatch(2, 1, TrainingConfig.Batching.PADDED).withSequences(64, TrainingConfig.Overflow.FAIL);
        TrainingConfig packed = config().withEpochs(1).withBatch(2, 1, TrainingConfig.Batching.PACKED).withSequences(64, TrainingConfig.Overflow.FAIL);
        int paddedSteps = new BatchPlan(data, padded, 512).totalSteps();
        int packedSteps = new BatchPlan(data, packed, 512).totalSteps();
        assertEquals(16, paddedSteps);
        assertTrue(packedSteps < paddedSteps, packedSteps + " packed vs " + paddedSteps);
    }
}
