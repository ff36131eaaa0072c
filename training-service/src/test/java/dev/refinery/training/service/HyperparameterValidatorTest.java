package dev.refinery.training.service;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Hyperparameter checks and defaults, without Quarkus. */
class HyperparameterValidatorTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int CONTEXT = 512;

    private static HyperparameterValidator.Result resolve(String json) throws Exception {
        return HyperparameterValidator.resolve(json == null ? null : JSON.readTree(json), CONTEXT);
    }

    @Test
    void nothingGivenMeansEveryDefaultMarkedAsSuch() throws Exception {
        HyperparameterValidator.Result r = resolve(null);
        assertTrue(r.valid());
        Hyperparameters h = r.hyperparameters();
        assertEquals("lora", h.text(Hyperparameters.TRAINING_TYPE));
        assertEquals(1, h.integer(Hyperparameters.EPOCHS));
        assertEquals(8, h.integer(Hyperparameters.BATCH_SIZE));
        assertEquals(1e-3, h.number(Hyperparameters.LEARNING_RATE));
        assertEquals(8, h.integer(Hyperparameters.LORA_RANK));
        assertEquals(16.0, h.number(Hyperparameters.LORA_ALPHA));
        assertEquals(42L, h.longValue(Hyperparameters.SEED));
        assertEquals(CONTEXT, h.integer(Hyperparameters.MAX_SEQ_LEN), "the default sequence limit is the model's context");
        assertEquals("all-linear", h.text(Hyperparameters.LORA_TARGETS));
        assertTrue(h.sources().values().stream().allMatch(Hyperparameters.DEFAULT::equals), h.sources().toString());
        assertEquals(h.values().keySet(), h.sources().keySet(), "every value has a source");
    }

    @Test
    void givenValuesAreMarkedAsTheUsersAndTheRestDefaulted() throws Exception {
        Hyperparameters h = resolve("{\"epochs\": 3, \"learningRate\": 0.005, \"loraRank\": 4, \"seed\": 7, \"loraTargets\": [\"q_proj\", \"v\"]}")
                .hyperparameters();
        assertEquals(3, h.integer(Hyperparameters.EPOCHS));
        assertEquals(0.005, h.number(Hyperparameters.LEARNING_RATE));
        assertEquals(8.0, h.number(Hyperparameters.LORA_ALPHA), "alpha defaults to twice the given rank");
        assertEquals("q,v", h.text(Hyperparameters.LORA_TARGETS));
        assertEquals(Hyperparameters.USER, h.sources().get(Hyperparameters.EPOCHS));
        assertEquals(Hyperparameters.USER, h.sources().get(Hyperparameters.SEED));
        assertEquals(Hyperparameters.DEFAULT, h.sources().get(Hyperparameters.LORA_ALPHA));
        assertEquals(Hyperparameters.DEFAULT, h.sources().get(Hyperparameters.BATCH_SIZE));
    }

    @Test
    void everyOffendingFieldIsListedWithItsAllowedRange() throws Exception {
        HyperparameterValidator.Result r = resolve("{\"epochs\": 0, \"batchSize\": 100000, \"learningRate\": -1, \"loraRank\": 2.5,"
                + " \"loraDropout\": 1, \"warmupRatio\": 1.5, \"maxSeqLen\": 4096, \"lrScheduler\": \"step\", \"trainOnInputs\": \"yes\","
                + " \"learning_rate\": 0.1, \"loraTargets\": \"q,lm_head\"}");
        assertFalse(r.valid());
        assertNull(r.hyperparameters());
        Map<String, HyperparameterValidator.Violation> byField = r.violations().stream()
                .collect(Collectors.toMap(HyperparameterValidator.Violation::field, v -> v));
        assertEquals(List.of("epochs", "batchSize", "learningRate", "lrScheduler", "warmupRatio", "loraRank", "loraDropout", "loraTargets",
                "maxSeqLen", "trainOnInputs", "learning_rate"), r.violations().stream().map(HyperparameterValidator.Violation::field).toList());
        assertEquals("an integer from 1 to 100", byField.get("epochs").allowed());
        assertEquals(0, byField.get("epochs").value());
        assertEquals("an integer from 1 to 256", byField.get("batchSize").allowed());
        assertEquals("a number > 0 and <= 1", byField.get("learningRate").allowed());
        assertEquals("a number >= 0 and < 1", byField.get("loraDropout").allowed());
        assertEquals("an integer from 1 to " + CONTEXT, byField.get("maxSeqLen").allowed(), "the limit is the model's context");
        assertEquals("one of cosine, linear, constant", byField.get("lrScheduler").allowed());
        assertTrue(byField.get("loraTargets").message().contains("'lm_head'"), byField.get("loraTargets").message());
        assertTrue(byField.get("learning_rate").message().contains("unknown hyperparameter"));
        assertTrue(byField.get("learning_rate").allowed().contains("learningRate"), "the known names are listed");
    }

    @Test
    void fullFineTuningIsRefusedWithTheReason() throws Exception {
        HyperparameterValidator.Violation v = resolve("{\"trainingType\": \"full\"}").violations().get(0);
        assertEquals("trainingType", v.field());
        assertEquals("one of lora", v.allowed());
        assertTrue(v.message().contains("not offered yet"), v.message());
    }

    @Test
    void boundsAreInclusiveWhereTheySaySo() throws Exception {
        assertTrue(resolve("{\"epochs\": 100, \"learningRate\": 1, \"warmupRatio\": 0, \"maxSeqLen\": 512, \"loraDropout\": 0.99}").valid());
        assertFalse(resolve("{\"learningRate\": 0}").valid());
        assertFalse(resolve("{\"epochs\": 101}").valid());
    }

    @Test
    void nullMeansDefaultAndTheTypeIsChecked() throws Exception {
        HyperparameterValidator.Result r = resolve("{\"epochs\": null, \"batchSize\": \"8\"}");
        assertEquals(1, r.violations().size());
        assertEquals("batchSize", r.violations().get(0).field());
        JsonNode notAnObject = JSON.readTree("[1, 2]");
        assertEquals("hyperparameters", HyperparameterValidator.resolve(notAnObject, CONTEXT).violations().get(0).field());
    }

    @Test
    void dpoSettingsHaveTogethersDefaultsAndTheirOwnRanges() throws Exception {
        HyperparameterValidator.Result defaults = HyperparameterValidator.resolve(null, CONTEXT, true);
        assertTrue(defaults.valid());
        assertEquals("standard", defaults.hyperparameters().text(Hyperparameters.DPO_VARIANT));
        assertEquals(0.1, defaults.hyperparameters().number(Hyperparameters.DPO_BETA));
        assertEquals(0.0, defaults.hyperparameters().number(Hyperparameters.DPO_NLL_WEIGHT));
        assertEquals(0.0, defaults.hyperparameters().number(Hyperparameters.SIMPO_GAMMA));

        HyperparameterValidator.Result simpo = HyperparameterValidator.resolve(
                JSON.readTree("{\"dpoVariant\": \"SimPO\", \"dpoBeta\": 2, \"simpoGamma\": 0.5}"), CONTEXT, true);
        assertTrue(simpo.valid(), simpo.violations().toString());
        assertEquals("simpo", simpo.hyperparameters().text(Hyperparameters.DPO_VARIANT));

        HyperparameterValidator.Result bad = HyperparameterValidator.resolve(JSON.readTree(
                "{\"dpoVariant\": \"ipo\", \"dpoBeta\": 0, \"dpoNllWeight\": -1, \"trainOnInputs\": true}"), CONTEXT, true);
        assertEquals(List.of("trainOnInputs", "dpoVariant", "dpoBeta", "dpoNllWeight"),
                bad.violations().stream().map(HyperparameterValidator.Violation::field).toList());
        HyperparameterValidator.Result gammaWithoutSimpo = HyperparameterValidator.resolve(JSON.readTree("{\"simpoGamma\": 0.5}"), CONTEXT, true);
        assertEquals("simpoGamma applies to dpoVariant simpo only", gammaWithoutSimpo.violations().get(0).message());
    }

    @Test
    void dpoSettingsOnAnSftJobAreRefusedByName() throws Exception {
        HyperparameterValidator.Result r = resolve("{\"dpoBeta\": 0.2, \"simpoGamma\": 1}");
        assertFalse(r.valid());
        assertEquals(List.of("dpoBeta applies to method dpo only", "simpoGamma applies to method dpo only"),
                r.violations().stream().map(HyperparameterValidator.Violation::message).toList());
        assertNull(r.hyperparameters());
    }
}
