package dev.refinery.engine.tokenizer;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The "model" of a tokenizer.json of type BPE: a vocabulary, ranked merges (earlier merges first),
 * and what to do with characters the vocabulary lacks (byte fallback to {@code <0xNN>} tokens, else
 * the unknown token, else dropped as Hugging Face does).
 *
 * <p>Words repeat a lot in real text, so encoded short words are cached; the cache is simply emptied
 * when it grows past its bound, which is cheap and keeps memory flat while counting tokens over large
 * corpora.
 */
final class HfBpeModel {

    private static final int CACHE_LIMIT = 50_000;
    /** Longer words are not cached: without a pre-tokenizer (Llama 2 style) a "word" is a whole text. */
    private static final int CACHED_WORD_MAX_CHARS = 256;

    private final Map<String, Integer> vocab;
    private final PairMergeTable merges;
    private final Map<Integer, Integer> singleCodePointIds = new HashMap<>();
    private final int[] byteFallbackIds;
    private final int unkId;
    private final boolean fuseUnk;
    private final boolean ignoreMerges;
    private final Map<String, int[]> cache = new ConcurrentHashMap<>();

    private HfBpeModel(Map<String, Integer> vocab, PairMergeTable merges, int[] byteFallbackIds, int unkId,
                       boolean fuseUnk, boolean ignoreMerges) {
        this.vocab = vocab;
        this.merges = merges;
        this.byteFallbackIds = byteFallbackIds;
        this.unkId = unkId;
        this.fuseUnk = fuseUnk;
        this.ignoreMerges = ignoreMerges;
        for (Map.Entry<String, Integer> e : vocab.entrySet()) {
            String piece = e.getKey();
            if (!piece.isEmpty() && piece.codePointCount(0, piece.length()) == 1) {
                singleCodePointIds.put(piece.codePointAt(0), e.getValue());
            }
        }
    }

    static HfBpeModel parse(JsonNode model) {
        if (HfJson.isAbsent(model) || !model.isObject()) {
            throw HfJson.malformed("no \"model\" object");
        }
        JsonNode typeNode = model.get("type");
        String type = HfJson.isAbsent(typeNode) ? (model.has("merges") ? "BPE" : "unknown") : typeNode.asText();
        if (!"BPE".equals(type)) {
            throw new dev.refinery.engine.EngineException.TokenizerMismatch("tokenizer.json: model type " + type
                    + " is not supported; only BPE tokenizers (GPT-2, Llama, Qwen2, SmolLM style) are");
        }
        for (String affix : new String[] {"continuing_subword_prefix", "end_of_word_suffix"}) {
            if (!HfJson.text(model, affix, "").isEmpty()) {
                throw HfJson.malformed("BPE " + affix + " is not supported");
            }
        }
        JsonNode vocabNode = model.get("vocab");
        if (HfJson.isAbsent(vocabNode) || !vocabNode.isObject()) {
            throw HfJson.malformed("model.vocab must be an object of token to id");
        }
        Map<String, Integer> vocab = new HashMap<>(vocabNode.size() * 2);
        for (Iterator<Map.Entry<String, JsonNode>> it = vocabNode.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            if (!e.getValue().canConvertToInt() || e.getValue().asInt() < 0) {
                throw HfJson.malformed("model.vocab[\"" + e.getKey() + "\"] must be a non-negative integer id, got " + e.getValue());
            }
            vocab.put(e.getKey(), e.getValue().asInt());
        }
        PairMergeTable merges = parseMerges(model.get("merges"), vocab);
        int[] byteFallbackIds = null;
        if (HfJson.bool(model, "byte_fallback", false)) {
            byteFallbackIds = new int[256];
            for (int b = 0; b < 256; b++) {
                byteFallbackIds[b] = vocab.getOrDefault(String.format("<0x%02X>", b), -1);
            }
        }
        String unk = HfJson.text(model, "unk_token", null);
        int unkId = -1;
        if (unk != null) {
            Integer id = vocab.get(unk);
            if (id == null) {
                throw HfJson.malformed("model.unk_token " + unk + " is not in model.vocab");
            }
            unkId = id;
        }
        return new HfBpeModel(vocab, merges, byteFallbackIds, unkId, HfJson.bool(model, "fuse_unk", false),
                HfJson.bool(model, "ignore_merges", false));
    }

    private static PairMergeTable parseMerges(JsonNode node, Map<String, Integer> vocab) {
        if (HfJson.isAbsent(node)) {
            return new PairMergeTable(16);
        }
        if (!node.isArray()) {
            throw HfJson.malformed("model.merges must be an array");
        }
        PairMergeTable table = new PairMergeTable(node.size());
        for (int rank = 0; rank < node.size(); rank++) {
            JsonNode merge = node.get(rank);
            String left;
            String right;
            if (merge.isTextual()) {
                String s = merge.asText();
                int space = s.indexOf(' ');
                if (space <= 0 || space == s.length() - 1) {
                    throw HfJson.malformed("model.merges[" + rank + "] \"" + s + "\" is not two tokens separated by a space");
                }
                left = s.substring(0, space);
                right = s.substring(space + 1);
            } else if (merge.isArray() && merge.size() == 2) {
                left = merge.get(0).asText();
                right = merge.get(1).asText();
            } else {
                throw HfJson.malformed("model.merges[" + rank + "] must be \"a b\" or [\"a\", \"b\"], got " + merge);
            }
            Integer leftId = vocab.get(left);
            Integer rightId = vocab.get(right);
            Integer mergedId = vocab.get(left + right);
            if (leftId == null || rightId == null || mergedId == null) {
                String missing = leftId == null ? left : rightId == null ? right : left + right;
                throw HfJson.malformed("model.merges[" + rank + "] (" + left + ", " + right + "): \"" + missing
                        + "\" is not in model.vocab");
            }
            table.putIfAbsent(leftId, rightId, rank, mergedId);
        }
        return table;
    }

    /** Ids of one pre-tokenized word. The array may be shared with the cache: callers copy, never modify it. */
    int[] encodeWord(String word) {
        if (word.isEmpty()) {
            return new int[0];
        }
        if (ignoreMerges) {
            Integer whole = vocab.get(word);
            if (whole != null) {
                return new int[] {whole};
            }
        }
        boolean cacheable = word.length() <= CACHED_WORD_MAX_CHARS;
        int[] cached = cacheable ? cache.get(word) : null;
        if (cached != null) {
            return cached;
        }
        int[] ids = BpeMerger.merge(symbols(word), merges);
        if (cacheable) {
            if (cache.size() >= CACHE_LIMIT) {
                cache.clear();
            }
            cache.put(word, ids);
        }
        return ids;
    }

    Integer id(String piece) {
        return vocab.get(piece);
    }

    Map<String, Integer> vocab() {
        return vocab;
    }

    private int[] symbols(String word) {
        int[] out = new int[word.length() * 4];
        int n = 0;
        boolean pendingUnk = false;
        byte[] utf8 = new byte[4];
        for (int i = 0; i < word.length(); ) {
            int cp = word.codePointAt(i);
            i += Character.charCount(cp);
            Integer id = singleCodePointIds.get(cp);
            if (id != null) {
                n = flushUnk(out, n, pendingUnk);
                pendingUnk = false;
                out[n++] = id;
                continue;
            }
            int len = Utf8.encode(cp, utf8);
            if (byteFallbackIds != null && allKnown(utf8, len)) {
                for (int k = 0; k < len; k++) {
                    out[n++] = byteFallbackIds[utf8[k] & 0xFF];
                }
                continue;
            }
            if (unkId >= 0) {
                if (pendingUnk && !fuseUnk) {
                    out[n++] = unkId;
                }
                pendingUnk = true;
            }
        }
        n = flushUnk(out, n, pendingUnk);
        return java.util.Arrays.copyOf(out, n);
    }

    private int flushUnk(int[] out, int n, boolean pendingUnk) {
        if (pendingUnk) {
            out[n++] = unkId;
        }
        return n;
    }

    private boolean allKnown(byte[] utf8, int len) {
        for (int k = 0; k < len; k++) {
            if (byteFallbackIds[utf8[k] & 0xFF] < 0) {
                return false;
            }
        }
        return true;
    }
}
