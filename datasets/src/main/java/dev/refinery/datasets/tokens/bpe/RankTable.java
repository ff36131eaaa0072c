package dev.refinery.datasets.tokens.bpe;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Base64;

/**
 * A tiktoken vocabulary: every token's bytes, its rank (which is also its id, and the order BPE learned it
 * in), and a hash index from bytes to rank. Read from the {@code .tiktoken} files jtokkit ships (one
 * "base64-bytes rank" per line), so the ranks are exactly the reference's. Immutable and shared.
 */
final class RankTable {

    private final byte[] pool;
    /** Token {@code r}'s bytes are {@code pool[start[r], start[r + 1])}. */
    private final int[] start;
    /**
     * Open addressing on {@link #hash}, two longs a slot: the key, and (rank + 1) << 8 | length (0: empty).
     * The key of a token of up to 8 bytes is its bytes ({@link #pack}), so that the lookup of a short piece,
     * the usual one, reads one slot and nothing else; longer tokens are keyed by hash and compared in the pool.
     */
    private final long[] slots;
    private final int mask;
    private final int maxTokenLength;

    private RankTable(byte[][] tokens) {
        int total = 0;
        int longest = 0;
        for (byte[] t : tokens) {
            total += t.length;
            longest = Math.max(longest, t.length);
        }
        this.maxTokenLength = longest;
        this.pool = new byte[total];
        this.start = new int[tokens.length + 1];
        int at = 0;
        for (int r = 0; r < tokens.length; r++) {
            start[r] = at;
            System.arraycopy(tokens[r], 0, pool, at, tokens[r].length);
            at += tokens[r].length;
        }
        start[tokens.length] = at;
        // At most half full: probes stay short for the many lookups of bytes that are no token.
        int capacity = Integer.highestOneBit(Math.max(4, tokens.length * 2 - 1)) << 1;
        this.slots = new long[capacity * 2];
        this.mask = capacity - 1;
        for (int r = 0; r < tokens.length; r++) {
            int length = tokens[r].length;
            long hash = hash(pool, start[r], length);
            int slot = (int) hash & mask;
            while (slots[2 * slot + 1] != 0) {
                slot = (slot + 1) & mask;
            }
            slots[2 * slot] = length <= 8 ? pack(pool, start[r], length) : hash;
            slots[2 * slot + 1] = (long) (r + 1) << 8 | length;
        }
    }

    /** Up to 8 bytes as one long, the first byte lowest (with the length, a key that tells any two such strings apart). */
    static long pack(byte[] b, int from, int length) {
        long v = 0;
        for (int i = length - 1; i >= 0; i--) {
            v = v << 8 | (b[from + i] & 0xFF);
        }
        return v;
    }

    /** Reads a {@code .tiktoken} resource: ranks must be 0..n-1, each once, as in tiktoken's own files. */
    static RankTable load(String resource) {
        try (InputStream in = RankTable.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("the rank file " + resource + " is not on the classpath (it comes with jtokkit)");
            }
            byte[][] tokens = new byte[1 << 18][];
            int count = 0;
            BufferedReader lines = new BufferedReader(new InputStreamReader(in, StandardCharsets.US_ASCII), 1 << 16);
            Base64.Decoder base64 = Base64.getDecoder();
            for (String line = lines.readLine(); line != null; line = lines.readLine()) {
                if (line.isEmpty()) {
                    continue;
                }
                int space = line.indexOf(' ');
                int rank = Integer.parseInt(line, space + 1, line.length(), 10);
                if (rank >= tokens.length) {
                    tokens = Arrays.copyOf(tokens, Math.max(tokens.length * 2, rank + 1));
                }
                if (tokens[rank] != null) {
                    throw new IllegalStateException(resource + ": rank " + rank + " appears twice");
                }
                tokens[rank] = base64.decode(line.substring(0, space));
                count = Math.max(count, rank + 1);
            }
            for (int r = 0; r < count; r++) {
                if (tokens[r] == null) {
                    throw new IllegalStateException(resource + ": rank " + r + " is missing; ranks must be dense");
                }
            }
            return new RankTable(Arrays.copyOf(tokens, count));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + resource, e);
        }
    }

    /**
     * The hash every table here uses for byte strings (the rank index, the pieces' cache): FNV-1a over the
     * bytes, then a final mix so that the low bits, which pick the slot, depend on every byte.
     */
    static long hash(byte[] b, int from, int length) {
        long h = 0xcbf29ce484222325L;
        for (int i = from, end = from + length; i < end; i++) {
            h = (h ^ (b[i] & 0xFF)) * 0x100000001b3L;
        }
        return mix(h);
    }

    static long mix(long h) {
        h ^= h >>> 32;
        h *= 0xd6e8feb86659fd93L;
        return h ^ (h >>> 32);
    }

    /** The rank of {@code b[from, from + length)} as one token, or -1. */
    int rank(byte[] b, int from, int length) {
        return rank(b, from, length, hash(b, from, length));
    }

    /** As {@link #rank(byte[], int, int)}, with the bytes' {@link #hash} already known. */
    int rank(byte[] b, int from, int length, long hash) {
        long key = length <= 8 ? pack(b, from, length) : hash;
        for (int slot = (int) hash & mask; ; slot = (slot + 1) & mask) {
            long meta = slots[2 * slot + 1];
            if (meta == 0) {
                return -1;
            }
            if (slots[2 * slot] == key && (meta & 0xFF) == length) {
                int r = (int) (meta >>> 8) - 1;
                if (length <= 8 || Arrays.equals(pool, start[r], start[r] + length, b, from, from + length)) {
                    return r;
                }
            }
        }
    }

    /** The rank of token {@code x}'s bytes followed by token {@code y}'s as one token, or -1. */
    int joinedRank(int x, int y) {
        int lx = start[x + 1] - start[x];
        int ly = start[y + 1] - start[y];
        if (lx + ly > maxTokenLength) {
            return -1;
        }
        byte[] joined = new byte[lx + ly]; // long pieces only: not the hot path
        System.arraycopy(pool, start[x], joined, 0, lx);
        System.arraycopy(pool, start[y], joined, lx, ly);
        return rank(joined, 0, joined.length);
    }

    int size() {
        return start.length - 1;
    }

    int length(int rank) {
        return start[rank + 1] - start[rank];
    }

    /** Where token {@code rank}'s bytes start in {@link #bytes()}. */
    int offset(int rank) {
        return start[rank];
    }

    /** Every token's bytes, one after another (see {@link #offset}); not to be modified. */
    byte[] bytes() {
        return pool;
    }

    int maxTokenLength() {
        return maxTokenLength;
    }
}
