package dev.refinery.datasets.check;

import dev.refinery.catalog.ModelCatalog;
import dev.refinery.datasets.report.DatasetReport;
import dev.refinery.datasets.targets.Target;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TargetModelsTest {

    private final TargetModels models = new TargetModels(ModelCatalog.load(), ModelChoice.defaultModelsDir());

    /** Twelve records of about 2,500 characters: well over stories260K's 512 tokens, far under any hosted model's context. */
    private static String longRecords() {
        StringBuilder file = new StringBuilder();
        for (int i = 0; i < 12; i++) {
            String story = ("Once upon a time there was a little dog named Max " + i + " who loved the park. ").repeat(32);
            file.append(DatasetCheckerTest.chatQ("Tell me story " + i, story)).append('\n');
        }
        return file.toString();
    }

    private DatasetReport check(Target target) throws IOException {
        CheckOptions.Builder options = DatasetCheckerTest.small();
        models.apply(options, target, null, null, 0);
        return DatasetCheckerTest.check(longRecords(), options.build());
    }

    private static Map<String, DatasetReport.TargetVerdict> verdicts(DatasetReport report) {
        return report.targets().stream().collect(Collectors.toMap(DatasetReport.TargetVerdict::target, Function.identity()));
    }

    @Test
    void eachTargetsVerdictIsMeasuredAgainstItsOwnModel() throws IOException {
        DatasetReport local = check(Target.LOCAL);
        Map<String, DatasetReport.TargetVerdict> v = verdicts(local);
        assertFalse(v.get("local").accepted());
        assertEquals("DATASET_OVER_CONTEXT", v.get("local").reasons().get(0).code());
        assertEquals(12, v.get("local").reasons().get(0).count());
        assertTrue(v.get("local").reasons().get(0).message().contains("context of 512 of stories260K"), v.get("local").reasons().toString());
        for (String hosted : List.of("together", "fireworks", "openai")) {
            assertTrue(v.get(hosted).accepted(), () -> hosted + ": " + v.get(hosted).reasons());
        }
        assertEquals("stories260K", v.get("local").model());
        assertEquals(512, v.get("local").contextLength());
        assertEquals("meta-llama/Meta-Llama-3.1-8B-Instruct-Reference", v.get("together").model());
        assertEquals(131072, v.get("together").contextLength());
        assertEquals("gpt-4o-mini-2024-07-18", v.get("openai").model());
        assertTrue(v.get("openai").tokenizer().startsWith("o200k_base"), v.get("openai").tokenizer());

        DatasetReport together = check(Target.TOGETHER);
        assertTrue(together.accepted(), () -> together.problems().toString());
        assertNull(DatasetCheckerTest.rule(together, "DATASET_OVER_CONTEXT"), "the local model's context is not Together's problem");
        assertFalse(verdicts(together).get("local").accepted(), "and the local verdict is the same from either side");
        assertEquals(together.targets(), local.targets());
    }

    @Test
    void theChosenModelIsTheTargetsAndTokenizersAreOpenedOncePerSpec() {
        CheckOptions.Builder options = CheckOptions.builder();
        models.apply(options, Target.OPENAI, "gpt-4o-2024-08-06", null, 0);
        CheckOptions built = options.build();
        assertEquals("gpt-4o-2024-08-06", built.model());
        assertEquals("stories260K", built.targetModel(Target.LOCAL).modelId());
        assertNotNull(built.targetModel(Target.FIREWORKS));
        assertSame(built.targetModel(Target.TOGETHER).tokens(), models.resolve(Target.TOGETHER, null).tokens());
        assertSame(models.resolve(Target.OPENAI, "gpt-4o-2024-08-06").tokens(), models.resolve(Target.OPENAI, null).tokens(),
                "two o200k models share one tokenizer");
    }
}
