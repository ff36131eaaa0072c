package dev.refinery.engine.tokenizer;

import dev.refinery.engine.EngineException;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Opens the tokenizer a path points to: a llama2.c {@code .bin} file, a Hugging Face
 * {@code tokenizer.json}, or a model directory holding a tokenizer.json.
 */
public final class TokenizerLoader {

    private TokenizerLoader() {
    }

    /** For Hugging Face tokenizers, whose files know their vocabulary size. */
    public static Tokenizer load(Path path) {
        if (isLlama2cFile(path)) {
            throw new EngineException.InvalidArgument("llama2.c tokenizer " + path
                    + " does not record its vocabulary size: load it with the model's vocab_size");
        }
        return loadHuggingFace(path);
    }

    /**
     * For any tokenizer, checked against the model's vocabulary size: a llama2.c file must hold exactly
     * that many tokens, a Hugging Face tokenizer no more ids than the model has embeddings (models often
     * pad their embedding table beyond the tokenizer, never the reverse).
     */
    public static Tokenizer load(Path path, int modelVocabSize) {
        if (isLlama2cFile(path)) {
            return Llama2cTokenizer.load(path, modelVocabSize);
        }
        Tokenizer tokenizer = loadHuggingFace(path);
        if (tokenizer.vocabSize() > modelVocabSize) {
            throw new EngineException.TokenizerMismatch("tokenizer " + path + " has " + tokenizer.vocabSize()
                    + " token ids but the model's vocab_size is " + modelVocabSize + ": it belongs to another model");
        }
        return tokenizer;
    }

    private static boolean isLlama2cFile(Path path) {
        return Files.isRegularFile(path) && path.getFileName().toString().endsWith(".bin");
    }

    private static Tokenizer loadHuggingFace(Path path) {
        if (Files.isDirectory(path)) {
            return HfTokenizer.load(path);
        }
        if (Files.isRegularFile(path) && path.getFileName().toString().endsWith(".json")) {
            Path config = path.resolveSibling("tokenizer_config.json");
            return HfTokenizer.load(path, Files.isRegularFile(config) ? HfTokenizerConfig.read(config) : HfTokenizerConfig.empty());
        }
        if (!Files.exists(path)) {
            throw new EngineException.InputError("tokenizer " + path + " does not exist");
        }
        throw new EngineException.InvalidArgument("cannot tell the tokenizer format of " + path
                + ": expected a llama2.c .bin file, a tokenizer.json or a directory holding one");
    }
}
