package dev.refinery.engine.tokenizer;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.refinery.engine.EngineException;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;

/**
 * A Hugging Face {@code tokenizer.json} BPE tokenizer, in the two styles that Llama-architecture models
 * use:
 * <ul>
 *   <li>byte-level (GPT-2, SmolLM, Qwen2, Llama 3): a ByteLevel pre-tokenizer, possibly after a Split
 *       regex, cuts text into words and spells their UTF-8 bytes in GPT-2's byte alphabet;</li>
 *   <li>SentencePiece-like (Llama 2, TinyLlama, Mistral): spaces become U+2581 ("▁") through a
 *       Prepend+Replace normalizer or a Metaspace pre-tokenizer, and characters missing from the
 *       vocabulary fall back to {@code <0xNN>} byte tokens.</li>
 * </ul>
 * Encoding: split the raw text on added tokens, then for each stretch of text normalize,
 * pre-tokenize and apply BPE merges by rank to each word. Decoding runs the file's decoder steps.
 * Unsupported parts of a file (Unigram or WordPiece models, unknown normalizers) are rejected with
 * {@link EngineException.TokenizerMismatch} rather than approximated.
 *
 * <p>Regexes from the file are compiled with java.util.regex in Unicode mode; they behave as the
 * Oniguruma originals for the patterns in use. Added tokens marked {@code normalized} are matched
 * against the raw text rather than the normalized text.
 */
public final class HfTokenizer implements Tokenizer {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String[] BOS_GUESSES = {"<s>", "<|begin_of_text|>"};
    private static final String[] EOS_GUESSES = {"</s>", "<|end_of_text|>", "<|endoftext|>", "<|im_end|>"};

    private final HfBpeModel model;
    private final HfNormalizer normalizer;
    private final HfPreTokenizer preTokenizer;
    private final HfDecoder decoder;
    private final AddedTokens addedTokens;
    private final String[] pieces;
    private final boolean[] special;
    private final int bosId;
    private final int eosId;

    private HfTokenizer(JsonNode root, HfTokenizerConfig config, String source) {
        this.model = HfBpeModel.parse(root.get("model"));
        this.normalizer = HfNormalizer.parse(root.get("normalizer"));
        this.preTokenizer = HfPreTokenizer.parse(root.get("pre_tokenizer"));
        this.decoder = HfDecoder.parse(root.get("decoder"), preTokenizer.isByteLevel());
        List<AddedTokens.AddedToken> added = parseAddedTokens(root.get("added_tokens"));
        this.addedTokens = new AddedTokens(added);

        int size = 0;
        for (int id : model.vocab().values()) {
            size = Math.max(size, id + 1);
        }
        for (AddedTokens.AddedToken t : added) {
            size = Math.max(size, t.id() + 1);
        }
        this.pieces = new String[size];
        this.special = new boolean[size];
        for (Map.Entry<String, Integer> e : model.vocab().entrySet()) {
            pieces[e.getValue()] = e.getKey();
        }
        for (AddedTokens.AddedToken t : added) {
            pieces[t.id()] = t.content();
            special[t.id()] = t.special();
        }
        this.bosId = resolveSpecial(config.declaresBos(), config.bosToken().orElse(null), BOS_GUESSES, "bos_token", source);
        this.eosId = resolveSpecial(config.declaresEos(), config.eosToken().orElse(null), EOS_GUESSES, "eos_token", source);
    }

    /** Reads {@code dir/tokenizer.json} and, when present, {@code dir/tokenizer_config.json}. */
    public static HfTokenizer load(Path dir) {
        Path json = dir.resolve("tokenizer.json");
        if (!Files.isRegularFile(json)) {
            throw new EngineException.InputError("no tokenizer.json in " + dir);
        }
        Path configFile = dir.resolve("tokenizer_config.json");
        HfTokenizerConfig config = Files.isRegularFile(configFile) ? HfTokenizerConfig.read(configFile) : HfTokenizerConfig.empty();
        return load(json, config);
    }

    public static HfTokenizer load(Path tokenizerJson, HfTokenizerConfig config) {
        try {
            return parse(Files.readString(tokenizerJson, StandardCharsets.UTF_8), config, tokenizerJson.toString());
        } catch (IOException e) {
            throw new EngineException.InputError("cannot read " + tokenizerJson + ": " + e.getMessage(), e);
        }
    }

    /** Builds a tokenizer from the text of a tokenizer.json; {@code source} names it in error messages. */
    public static HfTokenizer parse(String tokenizerJson, HfTokenizerConfig config, String source) {
        JsonNode root;
        try {
            root = JSON.readTree(tokenizerJson);
        } catch (JsonProcessingException e) {
            throw new EngineException.TokenizerMismatch(source + " is not valid JSON: " + e.getOriginalMessage());
        }
        if (root == null || !root.isObject()) {
            throw new EngineException.TokenizerMismatch(source + " must hold a JSON object");
        }
        try {
            return new HfTokenizer(root, config, source);
        } catch (EngineException.TokenizerMismatch e) {
            throw new EngineException.TokenizerMismatch(source + ": " + e.getMessage().replaceFirst("^tokenizer\\.json: ", ""));
        }
    }

    @Override
    public int[] encode(String text) {
        return encode(text, false, false);
    }

    @Override
    public int[] encodeWithSpecialTokens(String text) {
        return encode(text, true, false);
    }

    @Override
    public int[] encodeContinuation(String text, boolean specialTokens) {
        return encode(text, specialTokens, true);
    }

    @Override
    public String decode(int[] ids) {
        List<String> tokens = new ArrayList<>(ids.length);
        for (int id : ids) {
            checkId(id);
            if (!special[id] && pieces[id] != null) {
                tokens.add(pieces[id]);
            }
        }
        return decoder.decode(tokens);
    }

    @Override
    public byte[] tokenBytes(int id) {
        checkId(id);
        String piece = pieces[id];
        if (special[id] || piece == null) {
            return new byte[0];
        }
        if (decoder.isByteLevel()) {
            ByteArrayBuilder out = new ByteArrayBuilder(piece.length());
            ByteLevelAlphabet.appendBytes(piece, out);
            return out.toByteArray();
        }
        int b = HfDecoder.byteTokenValue(piece);
        if (b >= 0) {
            return new byte[] {(byte) b};
        }
        String marker = decoder.spaceMarker();
        return (marker == null ? piece : piece.replace(marker, " ")).getBytes(StandardCharsets.UTF_8);
    }

    @Override
    public int vocabSize() {
        return pieces.length;
    }

    @Override
    public int bosId() {
        return bosId;
    }

    @Override
    public int eosId() {
        return eosId;
    }

    @Override
    public OptionalInt tokenId(String piece) {
        AddedTokens.AddedToken added = addedTokens.get(piece);
        if (added != null) {
            return OptionalInt.of(added.id());
        }
        Integer id = model.id(piece);
        return id == null ? OptionalInt.empty() : OptionalInt.of(id);
    }

    @Override
    public boolean isSpecial(int id) {
        return id >= 0 && id < special.length && special[id];
    }

    private int[] encode(String text, boolean includeSpecial, boolean continuation) {
        String clean = TextSanitizer.replaceUnpairedSurrogates(text);
        List<int[]> parts = new ArrayList<>();
        for (AddedTokens.Segment segment : addedTokens.split(clean, includeSpecial)) {
            if (segment.isToken()) {
                parts.add(new int[] {segment.tokenId()});
                continue;
            }
            boolean continuesText = continuation && segment.start() == 0;
            String normalized = normalizer.normalize(segment.text(), !continuesText);
            HfPreTokenizer.PreToken whole = new HfPreTokenizer.PreToken(normalized, segment.start() == 0, continuesText);
            for (HfPreTokenizer.PreToken word : preTokenizer.split(whole)) {
                parts.add(model.encodeWord(word.text()));
            }
        }
        return IntArrays.concat(parts);
    }

    private int resolveSpecial(boolean declared, String token, String[] guesses, String field, String source) {
        if (declared) {
            if (token == null) {
                return -1;
            }
            OptionalInt id = tokenId(token);
            if (id.isEmpty()) {
                throw new EngineException.TokenizerMismatch("tokenizer_config.json names " + field + " " + token
                        + " but " + source + " has no such token");
            }
            return id.getAsInt();
        }
        for (String guess : guesses) {
            OptionalInt id = tokenId(guess);
            if (id.isPresent()) {
                return id.getAsInt();
            }
        }
        return -1;
    }

    private static List<AddedTokens.AddedToken> parseAddedTokens(JsonNode node) {
        List<AddedTokens.AddedToken> out = new ArrayList<>();
        if (HfJson.isAbsent(node)) {
            return out;
        }
        if (!node.isArray()) {
            throw HfJson.malformed("added_tokens must be an array");
        }
        for (int i = 0; i < node.size(); i++) {
            JsonNode t = node.get(i);
            if (!t.path("id").canConvertToInt() || t.path("id").asInt() < 0 || !t.path("content").isTextual()) {
                throw HfJson.malformed("added_tokens[" + i + "] needs a non-negative integer id and a string content, got " + t);
            }
            out.add(new AddedTokens.AddedToken(t.get("id").asInt(), t.get("content").asText(),
                    HfJson.bool(t, "special", false), HfJson.bool(t, "lstrip", false),
                    HfJson.bool(t, "rstrip", false), HfJson.bool(t, "single_word", false)));
        }
        return out;
    }

    private void checkId(int id) {
        if (id < 0 || id >= pieces.length) {
            throw new EngineException.InvalidArgument("token id " + id + " is outside the vocabulary of " + pieces.length);
        }
    }
}
