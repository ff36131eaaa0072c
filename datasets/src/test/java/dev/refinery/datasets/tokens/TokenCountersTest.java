package dev.refinery.datasets.tokens;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TokenCountersTest {

    @Test
    void resolvesBothTiktokenEncodings() {
        assertEquals(TiktokenCounter.Vocabulary.O200K_BASE,
                ((TiktokenCounter) TokenCounters.forSpec("tiktoken:o200k_base", null)).vocabulary());
        assertEquals(TiktokenCounter.Vocabulary.CL100K_BASE,
                ((TiktokenCounter) TokenCounters.forSpec("tiktoken:cl100k_base", null)).vocabulary());
    }

    @Test
    void estimateSpecIsLabelledAsOne() {
        TokenCounter counter = TokenCounters.forSpec("estimate:acme-7b", null);
        assertInstanceOf(EstimateCounter.class, counter);
        assertTrue(counter.description().contains("acme-7b"));
        assertTrue(counter.accuracy().isEstimate());
    }

    @Test
    void unknownSchemeNamesTheSpecAndTheChoices() {
        TokenizerUnavailableException e = assertThrows(TokenizerUnavailableException.class,
                () -> TokenCounters.forSpec("sentencepiece:foo.model", null));
        assertEquals("TOKENIZER_UNAVAILABLE", e.code());
        assertEquals("sentencepiece:foo.model", e.spec());
        assertTrue(e.getMessage().contains("'sentencepiece:foo.model'"), e.getMessage());
        assertTrue(e.getMessage().contains("estimate:<model name>"), e.getMessage());
    }

    @Test
    void unknownTiktokenEncodingIsUnavailable() {
        TokenizerUnavailableException e = assertThrows(TokenizerUnavailableException.class,
                () -> TokenCounters.forSpec("tiktoken:p50k_base", null));
        assertTrue(e.getMessage().contains("o200k_base, cl100k_base"), e.getMessage());
    }

    @Test
    void blankOrEmptySpecsAreUnavailable() {
        assertThrows(TokenizerUnavailableException.class, () -> TokenCounters.forSpec(null, null));
        assertThrows(TokenizerUnavailableException.class, () -> TokenCounters.forSpec(" ", null));
        assertThrows(TokenizerUnavailableException.class, () -> TokenCounters.forSpec("engine:", TestRepo.modelsDir()));
    }

    @Test
    void missingModelFolderIsUnavailable(@TempDir Path models) {
        TokenizerUnavailableException e = assertThrows(TokenizerUnavailableException.class,
                () -> TokenCounters.forSpec("engine:nope", models));
        assertTrue(e.getMessage().contains(models.resolve("nope").toString()), e.getMessage());
    }

    @Test
    void engineSpecMustNameAFolderDirectlyUnderTheModelsFolder(@TempDir Path models) {
        assertThrows(TokenizerUnavailableException.class, () -> TokenCounters.forSpec("engine:../etc", models));
        assertThrows(TokenizerUnavailableException.class, () -> TokenCounters.forSpec("engine:stories260K", null));
    }

    @Test
    void folderWithoutTokenizerIsUnavailable(@TempDir Path models) throws Exception {
        Files.createDirectories(models.resolve("empty"));
        TokenizerUnavailableException e = assertThrows(TokenizerUnavailableException.class,
                () -> TokenCounters.forSpec("engine:empty", models));
        assertTrue(e.getMessage().contains("neither a tokenizer.json"), e.getMessage());
    }

    @Test
    void malformedTokenizerJsonIsUnavailableNotACrash(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("tokenizer.json");
        Files.writeString(file, "{ not json");
        TokenizerUnavailableException e = assertThrows(TokenizerUnavailableException.class,
                () -> TokenCounters.forSpec("tokenizer-json:" + file, null));
        assertTrue(e.getMessage().contains(file.toString()), e.getMessage());
        assertThrows(TokenizerUnavailableException.class,
                () -> TokenCounters.forSpec("tokenizer-json:" + dir.resolve("absent.json"), null));
    }
}
