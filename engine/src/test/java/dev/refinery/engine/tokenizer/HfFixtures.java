package dev.refinery.engine.tokenizer;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Small tokenizer.json files built in code, in the shapes real models ship (no real files are
 * available offline). Ids are chosen so that expected encodings can be worked out by hand.
 */
public final class HfFixtures {

    static final ObjectMapper JSON = new ObjectMapper();

    static final String GPT2_REGEX = HfPreTokenizer.GPT2_PATTERN;
    static final String LLAMA3_REGEX = "(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\\r\\n\\p{L}\\p{N}]?\\p{L}+|\\p{N}{1,3}| ?[^\\s\\p{L}\\p{N}]+[\\r\\n]*|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+";
    static final String QWEN2_REGEX = "(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\\r\\n\\p{L}\\p{N}]?\\p{L}+|\\p{N}| ?[^\\s\\p{L}\\p{N}]+[\\r\\n]*|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+";

    /** Byte-level merges, in rank order; their results get ids 256, 257, ... */
    static final String[][] BYTE_LEVEL_MERGES = {
            {"Ġ", "t"}, {"h", "e"}, {"Ġt", "he"}, {"i", "n"}, {"Ġ", "c"}, {"a", "t"}, {"Ġc", "at"},
            {"E", "'"}, {"'", "S"}, {"3", "4"}, {"Ċ", "Ċ"}, {"Ġ", "Ġ"},
    };
    public static final int GT = 256, HE = 257, GTHE = 258, IN = 259, GC = 260, AT = 261, GCAT = 262,
            E_APOS = 263, APOS_S = 264, D34 = 265, NLNL = 266, SPSP = 267;
    public static final int ENDOFTEXT = 268, IM_START = 269, IM_END = 270, THINK = 271;

    private HfFixtures() {
    }

    /** The byte id of a character in the byte-level fixtures: its byte value. */
    public static int b(char c) {
        return c;
    }

    enum ByteLevelStyle { GPT2, LLAMA3, QWEN2 }

    static String byteLevel(ByteLevelStyle style, boolean mergesAsPairs) {
        ObjectNode root = JSON.createObjectNode();
        root.put("version", "1.0");
        ArrayNode added = root.putArray("added_tokens");
        addToken(added, ENDOFTEXT, "<|endoftext|>", true);
        addToken(added, IM_START, "<|im_start|>", true);
        addToken(added, IM_END, "<|im_end|>", true);
        addToken(added, THINK, "<think>", false);
        if (style == ByteLevelStyle.QWEN2) {
            root.putObject("normalizer").put("type", "NFC");
        } else {
            root.putNull("normalizer");
        }
        if (style == ByteLevelStyle.GPT2) {
            root.set("pre_tokenizer", byteLevelNode(true));
        } else {
            ObjectNode seq = root.putObject("pre_tokenizer");
            seq.put("type", "Sequence");
            ArrayNode steps = seq.putArray("pretokenizers");
            ObjectNode split = steps.addObject();
            split.put("type", "Split");
            split.putObject("pattern").put("Regex", style == ByteLevelStyle.LLAMA3 ? LLAMA3_REGEX : QWEN2_REGEX);
            split.put("behavior", "Isolated");
            split.put("invert", false);
            steps.add(byteLevelNode(false));
        }
        root.putNull("post_processor");
        ObjectNode decoder = root.putObject("decoder");
        decoder.put("type", "ByteLevel");
        decoder.put("add_prefix_space", true);
        decoder.put("trim_offsets", true);
        decoder.put("use_regex", true);
        ObjectNode model = root.putObject("model");
        model.put("type", "BPE");
        model.putNull("dropout");
        model.putNull("unk_token");
        model.putNull("continuing_subword_prefix");
        model.putNull("end_of_word_suffix");
        model.put("fuse_unk", false);
        model.put("byte_fallback", false);
        model.put("ignore_merges", style == ByteLevelStyle.LLAMA3);
        Map<String, Integer> vocab = new LinkedHashMap<>();
        for (int byteValue = 0; byteValue < 256; byteValue++) {
            vocab.put(String.valueOf(ByteLevelAlphabet.charOf(byteValue)), byteValue);
        }
        int next = 256;
        for (String[] m : BYTE_LEVEL_MERGES) {
            vocab.put(m[0] + m[1], next++);
        }
        putVocab(model, vocab);
        ArrayNode merges = model.putArray("merges");
        for (String[] m : BYTE_LEVEL_MERGES) {
            if (mergesAsPairs) {
                merges.addArray().add(m[0]).add(m[1]);
            } else {
                merges.add(m[0] + " " + m[1]);
            }
        }
        return root.toPrettyString();
    }

    private static ObjectNode byteLevelNode(boolean useRegex) {
        ObjectNode n = JSON.createObjectNode();
        n.put("type", "ByteLevel");
        n.put("add_prefix_space", false);
        n.put("trim_offsets", true);
        n.put("use_regex", useRegex);
        return n;
    }

    // Metaspace vocabulary: 0 <unk>, 1 <s>, 2 </s>, 3..258 <0x00>..<0xFF>, then these pieces.
    static final String[] METASPACE_PIECES = {"▁", "t", "h", "e", "c", "a", "▁t", "he", "▁the", "▁c", "at", "▁cat", "▁▁"};
    public static final int M_SPACE = 259, M_T = 260, M_H = 261, M_E = 262, M_C = 263, M_A = 264, M_GT = 265, M_HE = 266,
            M_THE = 267, M_GC = 268, M_AT = 269, M_CAT = 270, M_SPSP = 271;
    static final String[][] METASPACE_MERGES = {
            {"▁", "t"}, {"h", "e"}, {"▁t", "he"}, {"▁", "c"}, {"a", "t"}, {"▁c", "at"}, {"▁", "▁"},
    };

    public static int byteToken(int b) {
        return 3 + b;
    }

    /**
     * Llama 2 / TinyLlama style: normalizer Prepend("▁") + Replace(" " → "▁"), no pre-tokenizer,
     * byte fallback, decoder Replace + ByteFallback + Fuse + Strip. With {@code metaspacePreTokenizer},
     * the newer style instead: no normalizer, a Metaspace pre-tokenizer (prepend_scheme "first") and a
     * Metaspace decoder.
     */
    static String metaspace(boolean metaspacePreTokenizer) {
        ObjectNode root = JSON.createObjectNode();
        root.put("version", "1.0");
        ArrayNode added = root.putArray("added_tokens");
        addToken(added, 0, "<unk>", true);
        addToken(added, 1, "<s>", true);
        addToken(added, 2, "</s>", true);
        if (metaspacePreTokenizer) {
            root.putNull("normalizer");
            ObjectNode pre = root.putObject("pre_tokenizer");
            pre.put("type", "Metaspace");
            pre.put("replacement", "▁");
            pre.put("prepend_scheme", "first");
            pre.put("split", true);
            ObjectNode decoder = root.putObject("decoder");
            decoder.put("type", "Metaspace");
            decoder.put("replacement", "▁");
            decoder.put("prepend_scheme", "first");
            decoder.put("split", true);
        } else {
            ObjectNode normalizer = root.putObject("normalizer");
            normalizer.put("type", "Sequence");
            ArrayNode steps = normalizer.putArray("normalizers");
            steps.addObject().put("type", "Prepend").put("prepend", "▁");
            ObjectNode replace = steps.addObject();
            replace.put("type", "Replace");
            replace.putObject("pattern").put("String", " ");
            replace.put("content", "▁");
            root.putNull("pre_tokenizer");
            ObjectNode decoder = root.putObject("decoder");
            decoder.put("type", "Sequence");
            ArrayNode ds = decoder.putArray("decoders");
            ObjectNode r = ds.addObject();
            r.put("type", "Replace");
            r.putObject("pattern").put("String", "▁");
            r.put("content", " ");
            ds.addObject().put("type", "ByteFallback");
            ds.addObject().put("type", "Fuse");
            ds.addObject().put("type", "Strip").put("content", " ").put("start", 1).put("stop", 0);
        }
        ObjectNode model = root.putObject("model");
        model.put("type", "BPE");
        model.putNull("dropout");
        model.put("unk_token", "<unk>");
        model.putNull("continuing_subword_prefix");
        model.putNull("end_of_word_suffix");
        model.put("fuse_unk", true);
        model.put("byte_fallback", true);
        Map<String, Integer> vocab = new LinkedHashMap<>();
        vocab.put("<unk>", 0);
        vocab.put("<s>", 1);
        vocab.put("</s>", 2);
        for (int b = 0; b < 256; b++) {
            vocab.put(String.format("<0x%02X>", b), byteToken(b));
        }
        for (int i = 0; i < METASPACE_PIECES.length; i++) {
            vocab.put(METASPACE_PIECES[i], M_SPACE + i);
        }
        putVocab(model, vocab);
        ArrayNode merges = model.putArray("merges");
        for (String[] m : METASPACE_MERGES) {
            merges.add(m[0] + " " + m[1]);
        }
        return root.toPrettyString();
    }

    /**
     * The GPT-2-style byte-level fixture with extra special tokens (ids from 272 on, in the order
     * given) and the BOS/EOS spellings a tokenizer_config.json would name (null: none).
     */
    public static HfTokenizer byteLevelWithSpecials(List<String> extraSpecials, String bos, String eos) {
        return byteLevelWithSpecials(extraSpecials, bos, eos, true);
    }

    /** As above; without {@code chatMlMarkers} the vocabulary lacks {@code <|im_start|>} and {@code <|im_end|>}. */
    public static HfTokenizer byteLevelWithSpecials(List<String> extraSpecials, String bos, String eos, boolean chatMlMarkers) {
        try {
            ObjectNode root = (ObjectNode) JSON.readTree(byteLevel(ByteLevelStyle.GPT2, false));
            ArrayNode added = (ArrayNode) root.get("added_tokens");
            if (!chatMlMarkers) {
                for (int i = added.size() - 1; i >= 0; i--) {
                    if (added.get(i).get("content").asText().startsWith("<|im_")) {
                        added.remove(i);
                    }
                }
            }
            ObjectNode vocab = (ObjectNode) root.get("model").get("vocab");
            int id = 272;
            for (String special : extraSpecials) {
                addToken(added, id, special, true);
                vocab.put(special, id++);
            }
            ObjectNode config = JSON.createObjectNode();
            config.put("bos_token", bos);
            config.put("eos_token", eos);
            return HfTokenizer.parse(root.toString(), HfTokenizerConfig.parse(config.toString(), "test config"), "test tokenizer.json");
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** The Llama 2 style metaspace fixture with {@code <s>} and {@code </s>} as BOS and EOS. */
    public static HfTokenizer llama2Style() {
        return load(metaspace(false));
    }

    static HfTokenizer load(String json) {
        return HfTokenizer.parse(json, HfTokenizerConfig.empty(), "test tokenizer.json");
    }

    static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static void addToken(ArrayNode added, int id, String content, boolean special) {
        ObjectNode t = added.addObject();
        t.put("id", id);
        t.put("content", content);
        t.put("single_word", false);
        t.put("lstrip", false);
        t.put("rstrip", false);
        t.put("normalized", false);
        t.put("special", special);
    }

    private static void putVocab(ObjectNode model, Map<String, Integer> vocab) {
        ObjectNode v = model.putObject("vocab");
        vocab.forEach(v::put);
    }
}
