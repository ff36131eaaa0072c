package dev.refinery.engine.task;

import dev.refinery.engine.LanguageModel;
import dev.refinery.engine.chat.ChatMessage;
import dev.refinery.engine.eval.HeldOutComparison;
import dev.refinery.engine.eval.Metrics;
import dev.refinery.engine.testing.TestModels;
import dev.refinery.engine.train.LrSchedule;
import dev.refinery.engine.train.Trainer;
import dev.refinery.engine.train.TrainingConfig;
import dev.refinery.engine.train.TrainingExample;
import dev.refinery.engine.train.TrainingListener;
import dev.refinery.engine.train.TrainingResult;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The engine really learns the example task: after a short LoRA run on the training split, the
 * held-out opening-match rate rises with a 95% paired bootstrap interval above zero, on items never
 * seen in training, and the held-out loss falls.
 */
class NamedStoryTaskTest {

    private static final LanguageModel BASE = LanguageModel.load(TestModels.stories260kDir().resolve("stories260K.bin"));

    @Test
    void aShortLoraRunBeatsTheBaseModelOnHeldOutItems() {
        NamedStoryDataset.Splits data = NamedStoryDataset.generate(BASE);
        List<TrainingExample> train = data.train().stream().map(c -> TrainingExample.of(BASE.template().encodeForTraining(c))).toList();
        TrainingConfig config = TrainingConfig.defaults()
                .withEpochs(3)
                .withLearningRate(5e-3f)
                .withSchedule(LrSchedule.Kind.COSINE, 0.05f, 0.1f);
        TrainingResult result = new Trainer(BASE.weights(), config).train(train, List.of(), TrainingListener.NONE, null);
        LanguageModel tuned = BASE.withAdapter(result.adapter());

        List<List<ChatMessage>> heldOut = data.test().subList(0, 40);
        HeldOutComparison.Report report = new HeldOutComparison(Metrics.OPENING_MATCH, 24).compare(BASE, tuned, heldOut);

        assertEquals(0.0, report.baselineMean(), "the base model never opens the requested way");
        assertTrue(report.difference().low() > 0, "95% interval must exclude zero: " + report.difference());
        assertTrue(report.candidateLoss() < report.baselineLoss(), "held-out loss " + report.candidateLoss() + " vs " + report.baselineLoss());
        assertEquals("candidate better", report.verdict());
    }

    @Test
    void heldOutRequestsNeverAppearInTraining() {
        NamedStoryDataset.Splits data = NamedStoryDataset.generate(BASE);
        java.util.Set<String> trainPrompts = new java.util.HashSet<>();
        data.train().forEach(c -> trainPrompts.add(c.get(0).content()));
        data.validation().forEach(c -> trainPrompts.add(c.get(0).content()));
        data.test().forEach(c -> assertTrue(!trainPrompts.contains(c.get(0).content()), c.get(0).content()));
        java.util.Set<String> trainText = new java.util.HashSet<>();
        data.train().forEach(c -> trainText.add(c.get(0).content() + c.get(1).content()));
        data.unseenNames().forEach(c -> assertTrue(trainText.stream().noneMatch(t -> t.contains(name(c))), name(c)));
    }

    @Test
    void theCommittedExampleFilesAreWhatTheGeneratorWrites(@TempDir Path tmp) throws Exception {
        NamedStoryDataset.write(NamedStoryDataset.generate(BASE), tmp);
        Path committed = TestModels.repoRoot().resolve("examples/named-stories");
        for (String file : new String[] {"train.jsonl", "validation.jsonl", "test.jsonl", "unseen-names.jsonl"}) {
            assertArrayEquals(Files.readAllBytes(committed.resolve(file)), Files.readAllBytes(tmp.resolve(file)), file);
        }
    }

    /** The requested name: the last word of "... named X." in the reference opening. */
    private static String name(List<ChatMessage> c) {
        String opening = Metrics.firstSentence(c.get(1).content());
        return opening.substring(opening.lastIndexOf(' ') + 1, opening.length() - 1);
    }
}
