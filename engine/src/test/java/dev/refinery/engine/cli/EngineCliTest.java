package dev.refinery.engine.cli;

import dev.refinery.engine.testing.TestModels;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class EngineCliTest {

    private static final String MODEL = TestModels.stories260kDir().resolve("stories260K.bin").toString();

    private record Run(int code, String out, String err) {
    }

    private static Run run(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = EngineCli.run(args, new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Run(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    @Test
    void generateFromBosPrintsTheModelsStory() {
        Run r = run("generate", "--model", MODEL, "--raw", "", "--max-tokens", "20");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().startsWith("Once upon a time, there was a little girl named Lily."), r.out());
    }

    @Test
    void aTypoInAnOptionIsAUsageErrorNotASilentDefault() {
        Run r = run("generate", "--model", MODEL, "--raw", "", "--max-tokns", "20");
        assertEquals(64, r.code());
        assertTrue(r.err().contains("unknown option --max-tokns"), r.err());
    }

    @Test
    void engineErrorsPrintTheirStableCode(@TempDir Path tmp) throws Exception {
        Path broken = tmp.resolve("model.bin");
        Files.write(broken, new byte[100]);
        Files.copy(TestModels.stories260kDir().resolve("tok512.bin"), tmp.resolve("tok512.bin"));
        Run r = run("generate", "--model", broken.toString(), "--raw", "");
        assertEquals(2, r.code());
        assertTrue(r.err().startsWith("error [ENGINE_CHECKPOINT_CORRUPT]"), r.err());
    }

    @Test
    void aTrainingFileWithABadLineNamesTheLine(@TempDir Path tmp) throws Exception {
        Path data = tmp.resolve("train.jsonl");
        Files.writeString(data, "{\"messages\":[{\"role\":\"user\",\"content\":\"hi\"},{\"role\":\"assistant\",\"content\":\"hello\"}]}\n"
                + "{\"messages\":[{\"role\":\"user\",\"content\":42}]}\n");
        Run r = run("finetune", "--model", MODEL, "--train", data.toString(), "--out", tmp.resolve("out").toString());
        assertEquals(2, r.code());
        assertTrue(r.err().contains("line 2"), r.err());
    }

    @Test
    void finetuneThenCompareWritesAnAdapterAndAVerdict(@TempDir Path tmp) {
        Path examples = TestModels.repoRoot().resolve("examples/named-stories");
        Path out = tmp.resolve("job");
        Run ft = run("finetune", "--model", MODEL, "--train", examples.resolve("validation.jsonl").toString(), "--out", out.toString(),
                "--epochs", "1", "--batch-size", "4", "--quiet", "--json");
        assertEquals(0, ft.code(), ft.err());
        assertTrue(Files.exists(out.resolve("adapter/adapter_config.json")));
        assertTrue(Files.exists(out.resolve("adapter/adapter_model.safetensors")));
        assertTrue(Files.exists(out.resolve("training.json")));
        assertTrue(ft.out().contains("\"lora_r\":8"), ft.out());

        Run cmp = run("compare", "--model", MODEL, "--adapter", out.resolve("adapter").toString(),
                "--data", examples.resolve("validation.jsonl").toString(), "--max-tokens", "8", "--show", "0", "--json");
        assertEquals(0, cmp.code(), cmp.err());
        assertTrue(cmp.out().contains("\"metric\":\"opening_match\""), cmp.out());
        assertTrue(cmp.out().contains("95% paired bootstrap CI"), cmp.out());
    }
}
