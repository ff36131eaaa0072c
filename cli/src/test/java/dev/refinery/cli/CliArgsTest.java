package dev.refinery.cli;

import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class CliArgsTest {

    @Test
    void uploadOptionsBecomeTheApisQueryParameters() {
        UploadArgs args = UploadArgs.parse(new String[]{"datasets", "upload", "data.jsonl", "support-bot", "--target", "together",
                "--model", "llama-3.1-8b", "--splits", "90/10", "--over-context", "drop", "--test-set", "ds-1"});
        assertEquals(Path.of("data.jsonl"), args.file());
        assertEquals("support-bot", args.name());
        assertEquals(Map.of("target", "together", "model", "llama-3.1-8b", "splits", "90/10", "overContext", "drop", "testSet", "ds-1"),
                args.checks());
        assertThrows(IllegalArgumentException.class, () -> UploadArgs.parse(new String[]{"datasets", "upload", "f", "--colour", "red"}));
        assertThrows(IllegalArgumentException.class, () -> UploadArgs.parse(new String[]{"datasets", "upload", "f", "--target"}));
    }

    @Test
    void estimateOptionsBecomeAJsonBodyWithNumbers() {
        Map<String, Object> body = EstimateArgs.parse(new String[]{"estimates", "create", "--backend", "together", "--model",
                "llama-3.1-8b", "--training-tokens", "2000000", "--epochs", "3"});
        assertEquals(Map.of("backend", "together", "model", "llama-3.1-8b", "trainingTokens", 2_000_000L, "epochs", 3L), body);
        assertThrows(IllegalArgumentException.class, () -> EstimateArgs.parse(new String[]{"estimates", "create", "--epochs", "three"}));
    }

    @Test
    void fineTuneOptionsBecomeTheJobSpecWithTypedHyperparameters() {
        FineTuneArgs args = FineTuneArgs.parse(new String[]{"fine-tunes", "create", "ds-1", "stories260K", "--method", "dpo", "--from-job", "ft-9",
                "--set", "epochs=3", "--set", "dpoBeta=0.2", "--set", "trainOnInputs=false", "--set", "loraTargets=q,v",
                "--budget", "12.50", "--idempotency-key", "k-1"});
        assertEquals(Map.of("datasetId", "ds-1", "baseModel", "stories260K", "method", "dpo", "fromJob", "ft-9",
                "budgetUsd", new java.math.BigDecimal("12.50"),
                "hyperparameters", Map.of("epochs", 3L, "dpoBeta", 0.2, "trainOnInputs", false, "loraTargets", "q,v")), args.body());
        assertEquals("k-1", args.idempotencyKey());
        assertEquals(Map.of("datasetId", "ds-2"), FineTuneArgs.parse(new String[]{"fine-tunes", "create", "ds-2"}).body(),
                "nothing but the dataset: every setting is the service's default, recorded as such");
        assertThrows(IllegalArgumentException.class, () -> FineTuneArgs.parse(new String[]{"fine-tunes", "create"}));
        assertThrows(IllegalArgumentException.class, () -> FineTuneArgs.parse(new String[]{"fine-tunes", "create", "ds-1", "--set", "epochs"}));
        assertThrows(IllegalArgumentException.class, () -> FineTuneArgs.parse(new String[]{"fine-tunes", "create", "ds-1", "--budget", "ten"}));
        assertThrows(IllegalArgumentException.class, () -> FineTuneArgs.parse(new String[]{"fine-tunes", "create", "ds-1", "--colour", "red"}));
    }
}
