package dev.refinery.datasets.tokens.bpe;

import java.util.Arrays;

/**
 * A tiktoken encoding (o200k_base, cl100k_base) without a regex engine: the text is cut into pieces by a
 * hand-written {@link Splitter}, each piece is turned into UTF-8 and hashed in the same pass, and then, in
 * order of cost: a piece that is one token (most are) is found in the rank table, as tiktoken itself does;
 * a piece seen before on this thread comes from the {@link PieceCache}; a short piece is merged pair by pair
 * ({@link PairMerge}); a long one (a word in a script without spaces, a run of one character) is encoded
 * in linear time ({@link LinearBpe}). Short pieces' counts, single tokens included, are first looked up in
 * a small per-thread cache ({@link ShortPieceCache}) that stays in the core's cache, unlike the rank table. The ids are exactly tiktoken's, as jtokkit computes them (tested on
 * a large and adversarial corpus). Unpaired surrogates in a Java string are encoded as U+FFFD, as the
 * engine's tokenizers do.
 *
 * <p>Thread-safe: the tables are immutable and shared; each thread has its own work arrays and cache.
 */
public final class TiktokenEncoding {

    /** Pieces up to this many bytes are merged pair by pair; longer ones go to {@link LinearBpe}. */
    static final int SHORT_PIECE_BYTES = 48;

    private final String name;
    private final RankTable ranks;
    private final Splitter splitter;
    private volatile LongPieces longPieces;
    private final ThreadLocal<Scratch> scratch;

    private TiktokenEncoding(String name, RankTable ranks, Splitter splitter) {
        this.name = name;
        this.ranks = ranks;
        this.splitter = splitter;
        this.scratch = ThreadLocal.withInitial(() -> new Scratch(ranks));
    }

    /** o200k_base (gpt-4o, gpt-4.1), loaded on first use (about 2 MiB of ranks, under a second). */
    public static TiktokenEncoding o200k() {
        return O200k.ENCODING;
    }

    /** cl100k_base (gpt-3.5, gpt-4), loaded on first use. */
    public static TiktokenEncoding cl100k() {
        return Cl100k.ENCODING;
    }

    // Each encoding loads when its holder class is first used: the JVM's class initialisation is the lock.
    private static final class O200k {
        static final TiktokenEncoding ENCODING = new TiktokenEncoding("o200k_base",
                RankTable.load("/com/knuddels/jtokkit/o200k_base.tiktoken"), new O200kSplitter());
    }

    private static final class Cl100k {
        static final TiktokenEncoding ENCODING = new TiktokenEncoding("cl100k_base",
                RankTable.load("/com/knuddels/jtokkit/cl100k_base.tiktoken"), new Cl100kSplitter());
    }

    public String name() {
        return name;
    }

    /** Tokens of {@code text} as ordinary text (special-token spellings are text, as in encode_ordinary). */
    public int count(String text) {
        Scratch s = scratch.get();
        int n = text.length();
        char[] chars = s.chars(text);
        int tokens = 0;
        for (int p = 0; p < n; ) {
            int e = splitter.end(chars, p, n);
            tokens += e == p + 1 && chars[p] < 0x80 ? 1 : countPiece(s, s.utf8(chars, p, e)); // an ASCII char is a byte, every byte a token
            p = e;
        }
        return tokens;
    }

    /** The token ids of {@code text} as ordinary text, exactly as tiktoken's encode_ordinary gives them. */
    public int[] encode(String text) {
        Scratch s = scratch.get();
        int n = text.length();
        char[] chars = s.chars(text);
        int[] ids = new int[Math.max(16, n / 3)];
        int size = 0;
        for (int p = 0; p < n; ) {
            int e = splitter.end(chars, p, n);
            int length = s.utf8(chars, p, e);
            int whole = ranks.rank(s.bytes, 0, length, s.hash);
            int pieceTokens = whole >= 0 ? 1 : length <= SHORT_PIECE_BYTES ? s.merge.merge(s.bytes, 0, length)
                    : s.linear(longPieces()).encode(s.bytes, 0, length);
            if (size + pieceTokens > ids.length) {
                ids = Arrays.copyOf(ids, Math.max(ids.length * 2, size + pieceTokens));
            }
            if (whole >= 0) {
                ids[size] = whole;
            } else if (length <= SHORT_PIECE_BYTES) {
                for (int k = 0; k < pieceTokens; k++) {
                    ids[size + k] = s.merge.token(k);
                }
            } else {
                s.linear(longPieces()).tokensInto(s.tokens(pieceTokens), ranks);
                System.arraycopy(s.tokens, 0, ids, size, pieceTokens);
            }
            size += pieceTokens;
            p = e;
        }
        return Arrays.copyOf(ids, size);
    }

    private int countPiece(Scratch s, int length) {
        if (length == 1) {
            return 1; // every byte is a token
        }
        if (length <= ShortPieceCache.MAX_BYTES) {
            long key = RankTable.pack(s.bytes, 0, length);
            int cached = s.shortPieces.get(key, length, s.hash);
            if (cached == 0) {
                cached = countUncached(s, length);
                s.shortPieces.put(key, length, s.hash, cached);
            }
            return cached;
        }
        return countUncached(s, length);
    }

    private int countUncached(Scratch s, int length) {
        if (ranks.rank(s.bytes, 0, length, s.hash) >= 0) {
            return 1; // a piece that is a token is that token: tiktoken looks it up before merging
        }
        boolean cacheable = length <= PieceCache.MAX_PIECE_BYTES;
        if (cacheable) {
            int cached = s.cache.get(s.bytes, length, s.hash);
            if (cached > 0) {
                return cached;
            }
        }
        int count = length <= SHORT_PIECE_BYTES ? s.merge.merge(s.bytes, 0, length) : s.linear(longPieces()).encode(s.bytes, 0, length);
        if (cacheable) {
            s.cache.put(s.bytes, length, s.hash, count);
        }
        return count;
    }

    /** The tables of {@link LinearBpe}, built by the first thread that meets a long piece. */
    private LongPieces longPieces() {
        LongPieces l = longPieces;
        if (l == null) {
            synchronized (this) {
                if (longPieces == null) {
                    MergeTree tree = new MergeTree(ranks);
                    longPieces = new LongPieces(tree, new SuffixTrie(ranks, tree));
                }
                l = longPieces;
            }
        }
        return l;
    }

    private record LongPieces(MergeTree tree, SuffixTrie trie) {
    }

    /** One thread's work arrays: the piece's UTF-8 bytes and hash, the merge state, the cache. */
    private static final class Scratch {
        final RankTable ranks;
        byte[] bytes = new byte[256];
        long hash;
        final PairMerge merge;
        final PieceCache cache = new PieceCache();
        final ShortPieceCache shortPieces = new ShortPieceCache();
        LinearBpe linear;
        int[] tokens = new int[256];

        Scratch(RankTable ranks) {
            this.ranks = ranks;
            this.merge = new PairMerge(ranks);
        }

        LinearBpe linear(LongPieces tables) {
            if (linear == null) {
                linear = new LinearBpe(tables.tree(), tables.trie(), ranks.maxTokenLength());
            }
            return linear;
        }

        char[] text = new char[256];

        /** The text's chars in this thread's buffer: the splitter and the encoder read an array, not a String. */
        char[] chars(String s) {
            if (text.length < s.length()) {
                text = new char[Math.max(s.length(), text.length * 2)];
            }
            s.getChars(0, s.length(), text, 0);
            return text;
        }

        int[] tokens(int n) {
            if (tokens.length < n) {
                tokens = new int[n];
            }
            return tokens;
        }

        /**
         * Writes {@code s[from, to)} as UTF-8 into {@link #bytes}, hashing as it goes ({@link RankTable#hash});
         * returns the byte length. An unpaired surrogate becomes U+FFFD (EF BF BD).
         */
        int utf8(char[] s, int from, int to) {
            int capacity = (to - from) * 3;
            if (bytes.length < capacity) {
                bytes = new byte[Math.max(capacity, bytes.length * 2)];
            }
            byte[] b = bytes;
            long h = 0xcbf29ce484222325L;
            int n = 0;
            for (int i = from; i < to; i++) {
                char c = s[i];
                if (c < 0x80) {
                    b[n++] = (byte) c;
                    h = (h ^ c) * 0x100000001b3L;
                    continue;
                }
                int start = n;
                if (c < 0x800) {
                    b[n++] = (byte) (0xC0 | (c >> 6));
                    b[n++] = (byte) (0x80 | (c & 0x3F));
                } else if (Character.isSurrogate(c)) {
                    if (Character.isHighSurrogate(c) && i + 1 < to && Character.isLowSurrogate(s[i + 1])) {
                        int cp = Character.toCodePoint(c, s[++i]);
                        b[n++] = (byte) (0xF0 | (cp >> 18));
                        b[n++] = (byte) (0x80 | ((cp >> 12) & 0x3F));
                        b[n++] = (byte) (0x80 | ((cp >> 6) & 0x3F));
                        b[n++] = (byte) (0x80 | (cp & 0x3F));
                    } else {
                        b[n++] = (byte) 0xEF;
                        b[n++] = (byte) 0xBF;
                        b[n++] = (byte) 0xBD;
                    }
                } else {
                    b[n++] = (byte) (0xE0 | (c >> 12));
                    b[n++] = (byte) (0x80 | ((c >> 6) & 0x3F));
                    b[n++] = (byte) (0x80 | (c & 0x3F));
                }
                for (int k = start; k < n; k++) {
                    h = (h ^ (b[k] & 0xFF)) * 0x100000001b3L;
                }
            }
            hash = RankTable.mix(h);
            return n;
        }
    }
}
