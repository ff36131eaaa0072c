package dev.refinery.engine.tokenizer;

import dev.refinery.engine.EngineException;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;

/**
 * The SentencePiece-style BPE tokenizer of llama2.c, read from its {@code tok*.bin} export.
 *
 * <p>File format (little-endian): int32 max_token_length, then for each of vocab_size tokens a float32
 * merge score, an int32 byte length and the token's bytes. The vocabulary size is not in the file, so
 * the loader takes the model's and requires the file to hold exactly that many tokens. Pieces already
 * contain real spaces (the export replaced SentencePiece's U+2581 with ' '); byte-fallback tokens are
 * spelled {@code <0xNN>}; ids 0, 1, 2 are {@code <unk>}, BOS and EOS (spelled {@code "\n<s>\n"} and
 * {@code "\n</s>\n"} in the file, also found under {@code <s>} and {@code </s>} by {@link #tokenId}).
 *
 * <p>Encoding follows llama2.c's {@code run.c} {@code encode()}: a dummy-prefix " " token for non-empty
 * text, one symbol per code point (its UTF-8 bytes as byte tokens when the vocabulary lacks it), then
 * merges of the adjacent pair whose concatenation is a piece with the highest score, leftmost first.
 * run.c rescans all pairs after every merge (O(n^2)); here every mergeable pair of pieces is found once
 * at load time (each piece split at each byte), and {@link BpeMerger} applies them with a heap in
 * O(n log n), with the same result because equal scores share a priority and ties go to the left.
 *
 * <p>Pieces are handled as byte strings (ISO-8859-1 strings, one char per byte) so that lookups and
 * splits are exact on bytes, as in run.c, whatever the pieces contain.
 *
 * <p>When no piece of the vocabulary has a space right after another byte (true of SentencePiece
 * vocabularies, whose pieces only start with their space), no merge can join a space to the text before
 * it. The text is then encoded chunk by chunk, a chunk starting at each space that follows a non-space,
 * with the same result as a whole (each chunk's merges are the ones the whole text's would make in it),
 * and the ids of chunks already seen on a thread come from a {@link ChunkCache}. {@link #encodeUnchunked}
 * is the whole-text encoding, the reference this is tested against.
 */
public final class Llama2cTokenizer implements Tokenizer {

    private static final int UNK = 0;
    private static final int BOS = 1;
    private static final int EOS = 2;

    private final byte[][] pieces;
    private final Map<String, Integer> idByPiece;
    private final int[] byteFallbackIds = new int[256];
    private final int[] byteValueOfId;
    private final int[] asciiIds = new int[128];
    private final int dummyPrefixId;
    private final PairMergeTable merges;
    /** Whether merges never cross the start of a space run: see the class comment. */
    private final boolean chunked;
    private final ThreadLocal<ChunkCache> chunkCache = ThreadLocal.withInitial(ChunkCache::new);

    private Llama2cTokenizer(byte[][] pieces, float[] scores) {
        this.pieces = pieces;
        this.idByPiece = new HashMap<>(pieces.length * 2);
        for (int id = 0; id < pieces.length; id++) {
            idByPiece.putIfAbsent(byteString(pieces[id]), id); // run.c finds one of duplicates; keep the first
        }
        this.byteValueOfId = new int[pieces.length];
        Arrays.fill(byteValueOfId, -1);
        Arrays.fill(byteFallbackIds, -1);
        for (int id = 0; id < pieces.length; id++) {
            int b = parseByteToken(pieces[id]);
            if (b >= 0 && !isSpecial(id)) {
                byteValueOfId[id] = b;
                if (byteFallbackIds[b] < 0) {
                    byteFallbackIds[b] = id;
                }
            }
        }
        for (int c = 0; c < 128; c++) {
            asciiIds[c] = idByPiece.getOrDefault(String.valueOf((char) c), -1);
        }
        this.dummyPrefixId = idByPiece.getOrDefault(" ", -1);
        this.merges = buildMerges(scores);
        this.chunked = noSpaceAfterOtherBytes(pieces);
    }

    private static boolean noSpaceAfterOtherBytes(byte[][] pieces) {
        for (byte[] piece : pieces) {
            for (int i = 1; i < piece.length; i++) {
                if (piece[i] == ' ' && piece[i - 1] != ' ') {
                    return false;
                }
            }
        }
        return true;
    }

    /**
     * Reads a llama2.c tokenizer file that must hold exactly {@code vocabSize} tokens (the model's
     * vocab_size); a shorter or longer file belongs to another model and is rejected.
     */
    public static Llama2cTokenizer load(Path file, int vocabSize) {
        if (vocabSize < 3) {
            throw new EngineException.InvalidArgument("vocab size must be at least 3 (unk, BOS, EOS), got " + vocabSize);
        }
        byte[] data;
        try {
            data = Files.readAllBytes(file);
        } catch (IOException e) {
            throw new EngineException.InputError("cannot read tokenizer " + file + ": " + e.getMessage(), e);
        }
        ByteBuffer in = ByteBuffer.wrap(data).order(ByteOrder.LITTLE_ENDIAN);
        if (in.remaining() < 4) {
            throw new EngineException.TokenizerMismatch("tokenizer " + file + " is " + data.length
                    + " bytes long, too short for its max_token_length header");
        }
        in.getInt(); // max_token_length: only a buffer-size hint for C
        byte[][] pieces = new byte[vocabSize][];
        float[] scores = new float[vocabSize];
        for (int id = 0; id < vocabSize; id++) {
            if (in.remaining() < 8) {
                throw endedEarly(file, id, vocabSize);
            }
            scores[id] = in.getFloat();
            int length = in.getInt();
            if (length < 0) {
                throw new EngineException.TokenizerMismatch("tokenizer " + file + ": token " + id
                        + " has a negative byte length " + length + " at offset " + (in.position() - 4));
            }
            if (length > in.remaining()) {
                throw endedEarly(file, id, vocabSize);
            }
            pieces[id] = new byte[length];
            in.get(pieces[id]);
        }
        if (in.hasRemaining()) {
            throw new EngineException.TokenizerMismatch("tokenizer " + file + " has " + in.remaining()
                    + " bytes left after the model's " + vocabSize
                    + " tokens: its vocabulary is larger than the model's vocab_size, it belongs to another model");
        }
        return new Llama2cTokenizer(pieces, scores);
    }

    private static EngineException endedEarly(Path file, int tokensRead, int vocabSize) {
        return new EngineException.TokenizerMismatch("tokenizer " + file + " ends after " + tokensRead
                + " tokens but the model's vocab_size is " + vocabSize
                + ": the tokenizer belongs to another model or is truncated");
    }

    @Override
    public int[] encode(String text) {
        return encodeText(text, true);
    }

    @Override
    public int[] encodeWithSpecialTokens(String text) {
        return encodeSplittingSpecials(text, false);
    }

    @Override
    public int[] encodeContinuation(String text, boolean specialTokens) {
        return specialTokens ? encodeSplittingSpecials(text, true) : encodeText(text, false);
    }

    @Override
    public String decode(int[] ids) {
        ByteArrayBuilder out = new ByteArrayBuilder(ids.length * 4);
        int previous = -1;
        for (int id : ids) {
            checkId(id);
            if (!isSpecial(id)) {
                byte[] bytes = tokenBytes(id);
                // run.c drops the dummy-prefix space after BOS; the start of a sequence is the same place.
                boolean atStart = previous < 0 || previous == BOS;
                int from = atStart && byteValueOfId[id] < 0 && bytes.length > 0 && bytes[0] == ' ' ? 1 : 0;
                out.append(bytes, from, bytes.length - from);
            }
            previous = id;
        }
        return out.toUtf8String();
    }

    @Override
    public byte[] tokenBytes(int id) {
        checkId(id);
        if (isSpecial(id)) {
            return new byte[0];
        }
        int b = byteValueOfId[id];
        return b >= 0 ? new byte[] {(byte) b} : pieces[id].clone();
    }

    @Override
    public int vocabSize() {
        return pieces.length;
    }

    @Override
    public int bosId() {
        return BOS;
    }

    @Override
    public int eosId() {
        return EOS;
    }

    @Override
    public OptionalInt tokenId(String piece) {
        Integer id = idByPiece.get(byteString(piece.getBytes(StandardCharsets.UTF_8)));
        if (id == null) {
            id = switch (piece) {
                case "<s>" -> BOS;
                case "</s>" -> EOS;
                case "<unk>" -> UNK;
                default -> null;
            };
        }
        return id == null ? OptionalInt.empty() : OptionalInt.of(id);
    }

    @Override
    public boolean isSpecial(int id) {
        return id == UNK || id == BOS || id == EOS;
    }

    /** The token's text as stored in the file (byte tokens as {@code <0xNN>}). */
    public String piece(int id) {
        checkId(id);
        return new String(pieces[id], StandardCharsets.UTF_8);
    }

    private int[] encodeSplittingSpecials(String text, boolean continuation) {
        String clean = TextSanitizer.replaceUnpairedSurrogates(text);
        List<int[]> parts = new ArrayList<>();
        int start = 0;
        boolean first = true;
        while (start <= clean.length()) {
            int bos = clean.indexOf("<s>", start);
            int eos = clean.indexOf("</s>", start);
            int at = bos < 0 ? eos : eos < 0 ? bos : Math.min(bos, eos);
            String segment = at < 0 ? clean.substring(start) : clean.substring(start, at);
            if (!segment.isEmpty()) {
                parts.add(encodeText(segment, !(first && continuation)));
            }
            first = false;
            if (at < 0) {
                break;
            }
            boolean isBos = at == bos;
            parts.add(new int[] {isBos ? BOS : EOS});
            start = at + (isBos ? 3 : 4);
        }
        return IntArrays.concat(parts);
    }

    /** The whole-text encoding of {@link #encode} (llama2.c's), without chunks or cache: the reference for tests and benchmarks. */
    public int[] encodeUnchunked(String text) {
        String clean = TextSanitizer.replaceUnpairedSurrogates(text);
        return clean.isEmpty() ? new int[0] : BpeMerger.merge(symbols(clean.toCharArray(), 0, clean.length(), dummyPrefixId >= 0), merges);
    }

    /** Encodes text that may hold unpaired surrogates (they count as U+FFFD). */
    private int[] encodeText(String text, boolean dummyPrefix) {
        if (text.isEmpty()) {
            return new int[0];
        }
        boolean prefix = dummyPrefix && dummyPrefixId >= 0;
        if (!chunked) {
            String clean = TextSanitizer.replaceUnpairedSurrogates(text);
            return BpeMerger.merge(symbols(clean.toCharArray(), 0, clean.length(), prefix), merges);
        }
        // The text in this thread's buffer; the dummy prefix is a space like any other and starts the first chunk.
        ChunkCache cache = chunkCache.get();
        int n = text.length() + (prefix ? 1 : 0);
        char[] s = cache.chars(n);
        if (prefix) {
            s[0] = ' ';
        }
        text.getChars(0, text.length(), s, prefix ? 1 : 0);
        int[] out = cache.ids(3 * n + 1); // a char is at most 3 UTF-8 bytes, so at most 3 ids (byte fallback)
        int size = 0;
        for (int from = 0; from < n; ) {
            // One pass finds where the chunk ends and computes what the cache looks it up by: its hash and first 12 chars.
            char c = s[from];
            int h = ChunkCache.hashStep(0, c);
            long c0 = c;
            long c1 = 0;
            long c2 = 0;
            int to = from + 1;
            int packed = Math.min(n, from + 12);
            for (; to < packed && !((c = s[to]) == ' ' && s[to - 1] != ' '); to++) {
                h = ChunkCache.hashStep(h, c);
                int k = to - from;
                if (k < 4) {
                    c0 = ChunkCache.pack(c0, c);
                } else if (k < 8) {
                    c1 = ChunkCache.pack(c1, c);
                } else {
                    c2 = ChunkCache.pack(c2, c);
                }
            }
            if (to == packed) { // past the twelfth char only the hash and the end remain to find
                for (; to < n && !((c = s[to]) == ' ' && s[to - 1] != ' '); to++) {
                    h = ChunkCache.hashStep(h, c);
                }
            }
            int cached = to - from > ChunkCache.MAX_CHUNK_CHARS ? -1
                    : cache.appendIds(s, from, to, ChunkCache.finish(h, to - from), c0, c1, c2, out, size);
            if (cached >= 0) {
                size = cached;
            } else {
                int[] ids = BpeMerger.merge(symbols(s, from, to, false), merges);
                if (to - from <= ChunkCache.MAX_CHUNK_CHARS) {
                    cache.put(s, from, to, ChunkCache.finish(h, to - from), c0, c1, c2, ids);
                }
                System.arraycopy(ids, 0, out, size, ids.length);
                size += ids.length;
            }
            from = to;
        }
        return Arrays.copyOf(out, size);
    }

    /**
     * The symbols BPE starts from: a dummy-prefix space when asked, then one per code point (its bytes when
     * not in the vocabulary); an unpaired surrogate is U+FFFD.
     */
    private int[] symbols(char[] text, int from, int to, boolean dummyPrefix) {
        int[] symbols = new int[(to - from) * 4 + 1];
        int n = 0;
        if (dummyPrefix) {
            symbols[n++] = dummyPrefixId;
        }
        byte[] utf8 = new byte[4];
        for (int i = from; i < to; ) {
            int cp = Character.codePointAt(text, i, to);
            i += Character.charCount(cp);
            if (Character.isSurrogate((char) cp) && cp < 0x10000) {
                cp = TextSanitizer.REPLACEMENT;
            }
            if (cp < 128 && asciiIds[cp] >= 0) {
                symbols[n++] = asciiIds[cp];
                continue;
            }
            int len = Utf8.encode(cp, utf8);
            Integer id = idByPiece.get(new String(utf8, 0, len, StandardCharsets.ISO_8859_1));
            if (id != null) {
                symbols[n++] = id;
            } else {
                for (int k = 0; k < len; k++) {
                    int fallback = byteFallbackIds[utf8[k] & 0xFF];
                    symbols[n++] = fallback >= 0 ? fallback : UNK;
                }
            }
        }
        return Arrays.copyOf(symbols, n);
    }

    /**
     * Every pair of pieces whose concatenation is a piece, found by splitting each piece at each byte.
     * Priority is the rank of the merged piece's score among distinct scores, highest first, so that
     * equal scores tie and are resolved leftmost, as run.c's strict "greater than" scan does.
     */
    private PairMergeTable buildMerges(float[] scores) {
        int[] priorities = denseRanksDescending(scores);
        PairMergeTable table = new PairMergeTable(pieces.length * 2);
        for (int id = 0; id < pieces.length; id++) {
            String whole = byteString(pieces[id]);
            if (whole.length() < 2 || idByPiece.get(whole) != id) {
                continue;
            }
            int priority = priorities[id];
            for (int cut = 1; cut < whole.length(); cut++) {
                Integer left = idByPiece.get(whole.substring(0, cut));
                Integer right = idByPiece.get(whole.substring(cut));
                if (left != null && right != null) {
                    table.putIfAbsent(left, right, priority, id);
                }
            }
        }
        return table;
    }

    /** Rank of each score among the distinct scores, highest first: equal scores share a rank. */
    private static int[] denseRanksDescending(float[] scores) {
        float[] sorted = scores.clone();
        Arrays.sort(sorted);
        float[] distinctDescending = new float[sorted.length];
        int count = 0;
        for (int i = sorted.length - 1; i >= 0; i--) {
            if (count == 0 || Float.compare(distinctDescending[count - 1], sorted[i]) != 0) {
                distinctDescending[count++] = sorted[i];
            }
        }
        int[] ranks = new int[scores.length];
        for (int id = 0; id < scores.length; id++) {
            ranks[id] = indexInDescending(distinctDescending, count, scores[id]);
        }
        return ranks;
    }

    private static int indexInDescending(float[] descending, int count, float value) {
        int lo = 0;
        int hi = count - 1;
        while (lo <= hi) {
            int mid = (lo + hi) >>> 1;
            int c = Float.compare(descending[mid], value);
            if (c == 0) {
                return mid;
            }
            if (c > 0) {
                lo = mid + 1;
            } else {
                hi = mid - 1;
            }
        }
        throw new IllegalStateException("score " + value + " missing from its own list");
    }

    private void checkId(int id) {
        if (id < 0 || id >= pieces.length) {
            throw new EngineException.InvalidArgument("token id " + id + " is outside the vocabulary of " + pieces.length);
        }
    }

    private static int parseByteToken(byte[] piece) {
        if (piece.length != 6 || piece[0] != '<' || piece[1] != '0' || piece[2] != 'x' || piece[5] != '>') {
            return -1;
        }
        int hi = Character.digit(piece[3], 16);
        int lo = Character.digit(piece[4], 16);
        return hi < 0 || lo < 0 ? -1 : hi * 16 + lo;
    }

    private static String byteString(byte[] bytes) {
        return new String(bytes, StandardCharsets.ISO_8859_1);
    }
}
