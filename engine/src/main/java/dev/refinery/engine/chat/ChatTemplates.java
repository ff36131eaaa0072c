package dev.refinery.engine.chat;

import dev.refinery.engine.EngineException;
import dev.refinery.engine.tokenizer.HfTokenizerConfig;
import dev.refinery.engine.tokenizer.Tokenizer;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/** Picks the chat template a model should be used with. */
public final class ChatTemplates {

    private static final List<String> BOS_SPELLINGS = List.of("<s>", "<|begin_of_text|>", "<bos>", "<|startoftext|>", "<|endoftext|>");
    private static final List<String> EOS_SPELLINGS = List.of("</s>", "<|end_of_text|>", "<|endoftext|>", "<|im_end|>", "<|eot_id|>", "<eos>");

    private ChatTemplates() {
    }

    /**
     * The model's own Jinja template when it ships one (in {@code chat_template.jinja} or in the
     * chat_template of {@code tokenizer_config.json}); otherwise ChatML when the vocabulary has
     * {@code <|im_start|>}, Llama 3 when it has {@code <|start_header_id|>}, else plain text.
     *
     * @param modelDirOrConfig a model directory, or the tokenizer_config.json file itself; it may lack
     *                         both files (a llama2.c model), which leads to the vocabulary-based choice
     */
    public static ChatTemplate forModel(Path modelDirOrConfig, Tokenizer tokenizer) {
        Path dir = Files.isDirectory(modelDirOrConfig) ? modelDirOrConfig : modelDirOrConfig.getParent();
        Path configFile = Files.isDirectory(modelDirOrConfig) ? modelDirOrConfig.resolve("tokenizer_config.json") : modelDirOrConfig;
        HfTokenizerConfig config = Files.isRegularFile(configFile) ? HfTokenizerConfig.read(configFile) : HfTokenizerConfig.empty();
        Optional<String> template = jinjaFile(dir).or(config::chatTemplate);
        if (template.isPresent()) {
            return new JinjaChatTemplate(template.get(), tokenizer,
                    spelling(config.declaresBos(), config.bosToken(), tokenizer, tokenizer.bosId(), BOS_SPELLINGS),
                    spelling(config.declaresEos(), config.eosToken(), tokenizer, tokenizer.eosId(), EOS_SPELLINGS));
        }
        return byVocabulary(tokenizer);
    }

    /** ChatML, Llama 3 or plain, from the markers the vocabulary has. */
    public static ChatTemplate byVocabulary(Tokenizer tokenizer) {
        if (tokenizer.tokenId("<|im_start|>").isPresent() && tokenizer.tokenId("<|im_end|>").isPresent()) {
            return new ChatMlTemplate(tokenizer);
        }
        if (tokenizer.tokenId("<|start_header_id|>").isPresent()) {
            return new Llama3Template(tokenizer);
        }
        return new PlainTemplate(tokenizer);
    }

    /** A built-in template chosen by name: plain, chatml or llama3. */
    public static ChatTemplate named(String name, Tokenizer tokenizer) {
        return switch (name.toLowerCase(Locale.ROOT)) {
            case "plain" -> new PlainTemplate(tokenizer);
            case "chatml" -> new ChatMlTemplate(tokenizer);
            case "llama3" -> new Llama3Template(tokenizer);
            default -> throw new EngineException.InvalidArgument("unknown chat template '" + name
                    + "' (built-in: plain, chatml, llama3; the model's own is used with forModel)");
        };
    }

    private static Optional<String> jinjaFile(Path dir) {
        if (dir == null) {
            return Optional.empty();
        }
        Path file = dir.resolve("chat_template.jinja");
        if (!Files.isRegularFile(file)) {
            return Optional.empty();
        }
        try {
            return Optional.of(Files.readString(file));
        } catch (IOException e) {
            throw new EngineException.InputError("cannot read " + file + ": " + e.getMessage(), e);
        }
    }

    /** The configured spelling, else the common spelling whose id is the tokenizer's, else none. */
    private static String spelling(boolean declared, Optional<String> configured, Tokenizer tokenizer, int id, List<String> candidates) {
        if (declared) {
            return configured.orElse(null);
        }
        if (id < 0) {
            return null;
        }
        return candidates.stream().filter(s -> tokenizer.tokenId(s).orElse(-1) == id).findFirst().orElse(null);
    }
}
