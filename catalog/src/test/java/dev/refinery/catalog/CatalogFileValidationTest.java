package dev.refinery.catalog;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CatalogFileValidationTest {

    @TempDir
    Path dir;

    private static final String VALID = """
            {"catalogVersion": 1, "revision": "test-1", "currency": "USD",
             "backends": {"acme": {"displayName": "Acme", "billing": "dataset-times-epochs",
               "brackets": [{"id": "small", "label": "small", "prices": [
                 {"trainingType": "lora", "method": "sft", "usdPerMillionTokens": 1.25, "source": "test", "asOf": "2026-01-02"}]}],
               "models": [{"id": "acme/one", "aliases": ["one"], "displayName": "One", "parameters": "1B",
                 "bracket": "small", "contextLength": {"sft": 1024, "dpo": null, "source": "test"},
                 "methods": ["sft"], "trainingTypes": ["lora"], "tokenizer": "tiktoken:cl100k_base"}]}}}
            """;

    private Path write(String json) throws IOException {
        Path file = dir.resolve("catalog.json");
        Files.writeString(file, json, StandardCharsets.UTF_8);
        return file;
    }

    @Test
    void overrideFileReplacesTheBundledCatalog() throws IOException {
        ModelCatalog catalog = ModelCatalog.loadOverride(write(VALID).toString());
        assertEquals(java.util.List.of("acme"), catalog.backendIds());
        assertEquals("test-1", catalog.revision());
        CatalogModel one = catalog.require("acme", "one");
        assertEquals(0, new java.math.BigDecimal("1.25").compareTo(
                one.price(TrainingType.LORA, TrainingMethod.SFT).orElseThrow().usdPerMillionTokens()));
        assertTrue(catalog.find("together", "llama-3.1-8b").isEmpty());
    }

    @Test
    void eachBackendHasADefaultModelNamedOrItsFirst() throws IOException {
        ModelCatalog bundled = ModelCatalog.load();
        for (String backend : bundled.backendIds()) {
            assertTrue(bundled.defaultModel(backend).isPresent(), backend);
        }
        assertEquals("stories260K", bundled.defaultModel("local").orElseThrow().id());
        assertEquals("acme/one", ModelCatalog.load(write(VALID)).defaultModel("acme").orElseThrow().id(), "unnamed: the first model");
        String named = VALID.replace("\"displayName\": \"Acme\"", "\"defaultModel\": \"ONE\", \"displayName\": \"Acme\"");
        assertEquals("acme/one", ModelCatalog.load(write(named)).defaultModel("acme").orElseThrow().id(), "an alias, any case");
        String unknown = VALID.replace("\"displayName\": \"Acme\"", "\"defaultModel\": \"acme/two\", \"displayName\": \"Acme\"");
        CatalogException e = assertThrows(CatalogException.class, () -> ModelCatalog.load(write(unknown)));
        assertTrue(e.details().contains("$.backends.acme.defaultModel: 'acme/two' is not one of this backend's models"), e.details().toString());
    }

    @Test
    void blankOverrideMeansTheBundledCatalog() {
        assertTrue(ModelCatalog.loadOverride("  ").backendIds().contains("together"));
    }

    @Test
    void aCutoffWithoutADateOrASourceIsNamed() throws IOException {
        String broken = VALID.replace("\"billing\": \"dataset-times-epochs\",", "\"billing\": \"dataset-times-epochs\","
                + " \"jobCutoff\": {\"from\": \"next year\", \"what\": \"jobs stop\", \"source\": \"test\"},"
                + " \"servingCutoffs\": [{\"from\": \"2027-01-14\", \"modelPrefixes\": [\"ft:\"], \"what\": \"serving stops\"}],");
        CatalogException e = assertThrows(CatalogException.class, () -> ModelCatalog.load(write(broken)));
        assertTrue(e.details().contains("$.backends.acme.jobCutoff.from: 'next year' is not a date (yyyy-mm-dd)"), e.details().toString());
        assertTrue(e.details().contains("$.backends.acme.servingCutoffs[0].source: is required"), e.details().toString());
        assertEquals(2, e.details().size(), e.details().toString());
    }

    @Test
    void everyProblemIsReportedWithItsJsonPath() throws IOException {
        String broken = VALID
                .replace("\"tiktoken:cl100k_base\"", "\"tiktoken:p50k\"")
                .replace("\"bracket\": \"small\"", "\"bracket\": \"huge\"")
                .replace("\"methods\": [\"sft\"]", "\"methods\": [\"rlhf\"]")
                .replace("\"asOf\": \"2026-01-02\"", "\"asOf\": \"soon\"");
        CatalogException e = assertThrows(CatalogException.class, () -> ModelCatalog.load(write(broken)));
        assertEquals(CatalogErrorCode.CATALOG_INVALID, e.code());
        assertTrue(e.details().stream().anyMatch(d -> d.startsWith("$.backends.acme.models[0].tokenizer:")), e.details().toString());
        assertTrue(e.details().stream().anyMatch(d -> d.startsWith("$.backends.acme.models[0].bracket:")), e.details().toString());
        assertTrue(e.details().stream().anyMatch(d -> d.startsWith("$.backends.acme.models[0].methods:")), e.details().toString());
        assertTrue(e.details().stream().anyMatch(d -> d.startsWith("$.backends.acme.brackets[0].prices[0].asOf:")), e.details().toString());
        assertEquals(4, e.details().size(), e.details().toString());
    }

    @Test
    void duplicateAliasesOnOneBackendAreRejected() throws IOException {
        String twoModels = VALID.replace("\"methods\": [\"sft\"], \"trainingTypes\": [\"lora\"], \"tokenizer\": \"tiktoken:cl100k_base\"}]",
                "\"methods\": [\"sft\"], \"trainingTypes\": [\"lora\"], \"tokenizer\": \"tiktoken:cl100k_base\"},"
                        + "{\"id\": \"acme/two\", \"aliases\": [\"ONE\"], \"displayName\": \"Two\", \"parameters\": \"2B\","
                        + " \"contextLength\": {\"sft\": 1, \"dpo\": 1, \"source\": \"t\"}, \"methods\": [\"sft\"],"
                        + " \"trainingTypes\": [\"lora\"], \"tokenizer\": \"estimate:llama\"}]");
        CatalogException e = assertThrows(CatalogException.class, () -> ModelCatalog.load(write(twoModels)));
        assertTrue(e.details().stream().anyMatch(d -> d.startsWith("$.backends.acme.models[1]:") && d.contains("'one'")),
                e.details().toString());
    }

    @Test
    void aNewerFormatVersionAndAMissingPriceValueAreNamed() throws IOException {
        String broken = VALID.replace("\"catalogVersion\": 1", "\"catalogVersion\": 2")
                .replace("\"usdPerMillionTokens\": 1.25, ", "");
        CatalogException e = assertThrows(CatalogException.class, () -> ModelCatalog.load(write(broken)));
        assertTrue(e.details().contains("$.catalogVersion: is 2; this build reads version 1"), e.details().toString());
        assertTrue(e.details().stream().anyMatch(d -> d.startsWith("$.backends.acme.brackets[0].prices[0].usdPerMillionTokens:")),
                e.details().toString());
    }

    @Test
    void notJsonAndMissingFilesAreUnreadable() throws IOException {
        CatalogException notJson = assertThrows(CatalogException.class, () -> ModelCatalog.load(write("{\"catalogVersion\": ")));
        assertEquals(CatalogErrorCode.CATALOG_UNREADABLE, notJson.code());
        assertTrue(notJson.getMessage().contains("line 1"), notJson.getMessage());
        CatalogException missing = assertThrows(CatalogException.class, () -> ModelCatalog.load(dir.resolve("none.json")));
        assertEquals(CatalogErrorCode.CATALOG_UNREADABLE, missing.code());
    }

    @Test
    void bundledFileIsTheSameFormatAnOverrideUses() throws IOException {
        // Copy the bundled resource out and load it as an override: what an operator would start editing from.
        try (InputStream in = ModelCatalog.class.getClassLoader().getResourceAsStream(ModelCatalog.BUNDLED_RESOURCE)) {
            Path copy = dir.resolve("models.v1.json");
            Files.copy(in, copy);
            ModelCatalog fromFile = ModelCatalog.load(copy);
            assertEquals(ModelCatalog.load().list("together"), fromFile.list("together"));
        }
    }
}
