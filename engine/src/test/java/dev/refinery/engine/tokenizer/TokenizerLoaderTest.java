package dev.refinery.engine.tokenizer;

import dev.refinery.engine.EngineException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TokenizerLoaderTest {

    @Test
    void llama2cFileNeedsTheModelVocabSize() {
        Path bin = RepoFiles.stories260kTokenizer();
        Tokenizer tok = TokenizerLoader.load(bin, 512);
        assertInstanceOf(Llama2cTokenizer.class, tok);
        assertArrayEquals(new int[] {403, 407, 261, 378}, tok.encode("Once upon a time"));
        EngineException e = assertThrows(EngineException.InvalidArgument.class, () -> TokenizerLoader.load(bin));
        assertTrue(e.getMessage().contains("vocab_size"), e.getMessage());
    }

    @Test
    void directoryOrJsonFileLoadsHuggingFaceWithItsConfig(@TempDir Path dir) throws IOException {
        Files.writeString(dir.resolve("tokenizer.json"), HfFixtures.metaspace(false));
        Files.writeString(dir.resolve("tokenizer_config.json"), "{\"bos_token\": \"<s>\", \"eos_token\": \"<unk>\"}");
        Tokenizer fromDir = TokenizerLoader.load(dir);
        Tokenizer fromFile = TokenizerLoader.load(dir.resolve("tokenizer.json"), 300);
        assertInstanceOf(HfTokenizer.class, fromDir);
        assertEquals(0, fromDir.eosId());
        assertEquals(0, fromFile.eosId());
        assertArrayEquals(fromDir.encode("the cat"), fromFile.encode("the cat"));
    }

    @Test
    void huggingFaceTokenizerLargerThanTheModelIsAMismatch(@TempDir Path dir) throws IOException {
        Files.writeString(dir.resolve("tokenizer.json"), HfFixtures.metaspace(false));
        EngineException e = assertThrows(EngineException.TokenizerMismatch.class, () -> TokenizerLoader.load(dir, 100));
        assertTrue(e.getMessage().contains("272") && e.getMessage().contains("100"), e.getMessage());
    }

    @Test
    void unknownPathsAreReported(@TempDir Path dir) throws IOException {
        assertThrows(EngineException.InputError.class, () -> TokenizerLoader.load(dir.resolve("missing.json")));
        Path txt = Files.writeString(dir.resolve("vocab.txt"), "a");
        assertThrows(EngineException.InvalidArgument.class, () -> TokenizerLoader.load(txt));
        assertThrows(EngineException.InputError.class, () -> TokenizerLoader.load(dir));
    }
}
