package dev.refinery.datasets.dedup;

import dev.refinery.datasets.json.JsonTape;

/**
 * Hashes a record's content as it is checked, without building strings: the exact fingerprint (the
 * turns' roles and decoded text, so that "\u00e9" and "é" are the same record whatever the key order
 * or spacing of the JSON) and the normalized one (text lower-cased, runs of whitespace folded to one
 * space, ends trimmed). The normalized fingerprint also decides a record's split, so that a record and
 * its near-duplicates always land in the same split. The prompt fingerprint covers the turns before
 * the last trained answer, for the leakage check. One per thread, reused record after record.
 */
public final class Fingerprinter {

    private static final long SEED = 0x9E3779B97F4A7C15L;

    /** Character.toLowerCase of the BMP, looked up: it runs on every non-ASCII character, and the JDK's walks its tables. */
    private static final char[] LOWER_BMP = new char[0x10000];

    static {
        for (int c = 0; c < LOWER_BMP.length; c++) {
            int lower = Character.toLowerCase(c);
            if (lower > 0xFFFF) {
                throw new IllegalStateException("U+" + Integer.toHexString(c) + " lower-cases outside the BMP");
            }
            LOWER_BMP[c] = (char) lower;
        }
    }

    private long exact;
    private long normalized;
    private long promptNormalized;
    private boolean pendingSpace;
    private boolean atStart;

    public void reset() {
        exact = SEED;
        normalized = SEED;
        promptNormalized = SEED;
    }

    /** Marks the end of the prompt: everything hashed so far is what the model is asked. */
    public void markPrompt() {
        promptNormalized = normalized;
    }

    /** Starts a turn; text follows through {@link #text}. Roles are part of the identity of a record. */
    public void beginTurn(String role) {
        for (int i = 0; i < role.length(); i++) {
            int c = role.charAt(i);
            exact = mix(exact, c);
            normalized = mix(normalized, c);
        }
        exact = mix(exact, 0x1F);
        normalized = mix(normalized, 0x1F);
        pendingSpace = false;
        atStart = true;
    }

    public void endTurn() {
        exact = mix(exact, 0x1E);
        normalized = mix(normalized, 0x1E);
    }

    /**
     * Adds a string node's text to the current turn. The hashes and the whitespace state live in locals
     * for the loop (this runs on every character of every record) and go back to the fields at the end.
     */
    public void text(JsonTape tape, int stringNode) {
        byte[] src = tape.source();
        int i = tape.contentStart(stringNode);
        int end = tape.contentEnd(stringNode);
        long exact = this.exact;
        long normalized = this.normalized;
        boolean pendingSpace = this.pendingSpace;
        boolean atStart = this.atStart;
        while (i < end) {
            int b = src[i];
            int cp;
            if (b >= 0 && b != '\\') {
                cp = b;
                i++;
            } else if (b == '\\') {
                byte e = src[i + 1];
                switch (e) {
                    case 'n' -> cp = '\n';
                    case 't' -> cp = '\t';
                    case 'r' -> cp = '\r';
                    case 'b' -> cp = '\b';
                    case 'f' -> cp = '\f';
                    case 'u' -> cp = hex4(src, i + 2);
                    default -> cp = e;
                }
                i += e == 'u' ? 6 : 2;
            } else {
                int b0 = b & 0xFF;
                int n = b0 >= 0xF0 ? 3 : b0 >= 0xE0 ? 2 : 1;
                cp = b0 & (0x3F >> n);
                for (int k = 1; k <= n; k++) {
                    cp = (cp << 6) | (src[i + k] & 0x3F);
                }
                i += n + 1;
            }
            // Exact: every code point. Normalized: lower case, runs of white space as one space, none at the ends.
            exact = mix(exact, cp);
            if (cp <= ' ' || (cp > 0x7F && isUnicodeSpace(cp))) {
                pendingSpace = !atStart;
                continue;
            }
            if (pendingSpace) {
                normalized = mix(normalized, ' ');
                pendingSpace = false;
            }
            atStart = false;
            normalized = mix(normalized, lowerCase(cp));
        }
        this.exact = exact;
        this.normalized = normalized;
        this.pendingSpace = pendingSpace;
        this.atStart = atStart;
    }

    /** Adds raw JSON (e.g. tool calls) to the current turn, as written. */
    public void raw(JsonTape tape, int node) {
        byte[] src = tape.source();
        for (int i = tape.textStart(node); i < tape.textEnd(node); i++) {
            exact = mix(exact, src[i]);
            normalized = mix(normalized, src[i]);
        }
    }

    /**
     * Character.toLowerCase, faster: ASCII by arithmetic, the BMP from a table, and beyond it only the few
     * blocks that have case (Deseret to Adlam, U+10400-U+1E943); emoji and the rest of the astral planes are their own lower case.
     */
    static int lowerCase(int cp) {
        if (cp < 0x80) {
            return cp >= 'A' && cp <= 'Z' ? cp + 32 : cp;
        }
        if (cp < 0x10000) {
            return LOWER_BMP[cp];
        }
        return cp >= 0x10400 && cp <= 0x1E943 ? Character.toLowerCase(cp) : cp;
    }

    /**
     * Character.isWhitespace for code points above ASCII, without its table lookups (this runs on every
     * non-ASCII character): the line and paragraph separators and the space separators other than the
     * non-breaking ones.
     */
    static boolean isUnicodeSpace(int cp) {
        if (cp < 0x1680 || cp > 0x3000) { // Latin, Greek, Cyrillic below; CJK, Hangul and the astral planes above
            return false;
        }
        return cp == 0x1680 || (cp >= 0x2000 && cp <= 0x200A && cp != 0x2007) || cp == 0x2028 || cp == 0x2029 || cp == 0x205F
                || cp == 0x3000;
    }

    public long exact() {
        return finish(exact);
    }

    public long normalized() {
        return finish(normalized);
    }

    public long promptNormalized() {
        return finish(promptNormalized);
    }

    private static long mix(long h, int v) {
        return (h ^ v) * 0x100000001B3L;
    }

    /** FNV-1a's last bits mix poorly; a final avalanche (MurmurHash3's fmix64) spreads them over all 64. */
    private static long finish(long h) {
        h ^= h >>> 33;
        h *= 0xFF51AFD7ED558CCDL;
        h ^= h >>> 33;
        h *= 0xC4CEB9FE1A85EC53L;
        h ^= h >>> 33;
        return h;
    }

    private static int hex4(byte[] src, int at) {
        int v = 0;
        for (int k = 0; k < 4; k++) {
            byte b = src[at + k];
            int d = b <= '9' ? b - '0' : (b | 0x20) - 'a' + 10;
            v = (v << 4) | d;
        }
        return v;
    }
}
