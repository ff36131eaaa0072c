package dev.refinery.datasets.tokens;

import dev.refinery.engine.chat.ChatTemplates;
import dev.refinery.engine.tokenizer.Tokenizer;
import dev.refinery.engine.tokenizer.TokenizerLoader;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/**
 * Opens the engine's tokenizer and chat template for a tokenizer.json or a model folder, without
 * loading any weights: counting tokens must not cost a model's memory.
 */
final class EngineTokenizers {

    /** llama2.c checkpoints start with seven int32 fields; the sixth is the vocabulary size (negative when the classifier is not shared). */
    private static final int LLAMA2C_HEADER_INTS = 7;
    private static final int LLAMA2C_VOCAB_FIELD = 5;

    private EngineTokenizers() {
    }

    /** A tokenizer.json file, or a folder holding one (its tokenizer_config.json or chat_template.jinja gives the template). */
    static EngineTokenCounter huggingFace(Path tokenizerJsonOrDir, String name) {
        Tokenizer tokenizer = TokenizerLoader.load(tokenizerJsonOrDir);
        Path dir = Files.isDirectory(tokenizerJsonOrDir) ? tokenizerJsonOrDir : tokenizerJsonOrDir.toAbsolutePath().getParent();
        return new EngineTokenCounter(name, tokenizer, ChatTemplates.forModel(dir, tokenizer));
    }

    /**
     * A model folder as the engine loads it: a Hugging Face folder (tokenizer.json), or a llama2.c one
     * (a checkpoint {@code .bin} whose header gives the vocabulary size, and {@code tok<vocab>.bin},
     * {@code tokenizer.bin} or the one {@code tok*.bin} beside it). Returns null when the folder has neither.
     */
    static EngineTokenCounter modelFolder(Path dir, String name) throws IOException {
        if (Files.isRegularFile(dir.resolve("tokenizer.json"))) {
            return huggingFace(dir, name);
        }
        List<Path> bins = binFiles(dir);
        List<Path> checkpoints = bins.stream().filter(p -> !p.getFileName().toString().startsWith("tok")).toList();
        if (checkpoints.size() != 1) {
            return null;
        }
        int vocab = llama2cVocabSize(checkpoints.get(0));
        Path tokenizerFile = llama2cTokenizerFile(dir, vocab, bins);
        if (tokenizerFile == null) {
            return null;
        }
        Tokenizer tokenizer = TokenizerLoader.load(tokenizerFile, vocab);
        return new EngineTokenCounter(name, tokenizer, ChatTemplates.forModel(dir, tokenizer));
    }

    private static List<Path> binFiles(Path dir) throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(p -> p.getFileName().toString().endsWith(".bin") && Files.isRegularFile(p)).sorted().toList();
        }
    }

    private static int llama2cVocabSize(Path checkpoint) throws IOException {
        byte[] header = new byte[LLAMA2C_HEADER_INTS * Integer.BYTES];
        try (InputStream in = Files.newInputStream(checkpoint)) {
            if (in.readNBytes(header, 0, header.length) < header.length) {
                throw new IOException(checkpoint + " is too short for a llama2.c header");
            }
        }
        int vocab = Math.abs(ByteBuffer.wrap(header).order(ByteOrder.LITTLE_ENDIAN).getInt(LLAMA2C_VOCAB_FIELD * Integer.BYTES));
        if (vocab == 0 || vocab > 10_000_000) {
            throw new IOException(checkpoint + " does not start with a llama2.c header (vocabulary size " + vocab + ")");
        }
        return vocab;
    }

    private static Path llama2cTokenizerFile(Path dir, int vocab, List<Path> bins) {
        for (Path candidate : List.of(dir.resolve("tok" + vocab + ".bin"), dir.resolve("tokenizer.bin"))) {
            if (Files.isRegularFile(candidate)) {
                return candidate;
            }
        }
        List<Path> tokFiles = bins.stream().filter(p -> p.getFileName().toString().startsWith("tok")).toList();
        return tokFiles.size() == 1 ? tokFiles.get(0) : null;
    }
}
