package dev.refinery.datasets.dedup;

import dev.refinery.datasets.json.JsonLineParser;
import dev.refinery.datasets.json.JsonTape;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

class FingerprinterTest {

    @Test
    void theFastSpaceTestAgreesWithTheJdkAboveAscii() {
        for (int cp = 0x80; cp <= Character.MAX_CODE_POINT; cp++) {
            if (Character.isWhitespace(cp) != Fingerprinter.isUnicodeSpace(cp)) {
                throw new AssertionError("the fast test disagrees with Character.isWhitespace at U+" + Integer.toHexString(cp));
            }
        }
    }

    private static long[] fingerprints(String json) {
        byte[] bytes = json.getBytes(StandardCharsets.UTF_8);
        JsonTape tape = new JsonLineParser(8).parse(bytes, 0, bytes.length);
        Fingerprinter f = new Fingerprinter();
        f.reset();
        f.beginTurn("user");
        f.text(tape, 0);
        f.endTurn();
        return new long[]{f.exact(), f.normalized()};
    }

    @Test
    void escapesDecodeBeforeHashingAndNormalizationFoldsCaseAndSpaces() {
        assertEquals(fingerprints("\"caf\\u00e9\"")[0], fingerprints("\"café\"")[0], "an escape and its character are the same text");
        assertNotEquals(fingerprints("\"Hello  World\"")[0], fingerprints("\"hello world\"")[0]);
        assertEquals(fingerprints("\" Hello \\n World \"")[1], fingerprints("\"hello world\"")[1]);
        assertEquals(fingerprints("\"ÉTÉ\"")[1], fingerprints("\"été\"")[1], "case folding is not ASCII-only");
        assertNotEquals(fingerprints("\"été\"")[1], fingerprints("\"ete\"")[1], "accents are not folded away");
    }

    @Test
    void lowerCasingIsTheJdksForEveryCodePoint() {
        for (int cp = 0; cp <= Character.MAX_CODE_POINT; cp++) {
            if (Fingerprinter.lowerCase(cp) != Character.toLowerCase(cp)) {
                throw new AssertionError(String.format("U+%04X: %X, the JDK says %X", cp, Fingerprinter.lowerCase(cp), Character.toLowerCase(cp)));
            }
        }
    }

    /** Earlier versions' fingerprint files hold these values (computed before the loop was made faster): it must give the same ones. */
    @Test
    void fingerprintsAreTheOnesEarlierVersionsStored() {
        String text = "\"  Hello\\tWORLD  caf\\u00e9 \u00c9T\u00c9 \u6771\u4eac \ud83d\ude42 \ud801\udc00 ok\\n \"";
        long[] f = fingerprints(text);
        assertEquals(GOLDEN_EXACT, f[0]);
        assertEquals(GOLDEN_NORMALIZED, f[1]);
    }

    private static final long GOLDEN_EXACT = 8269691079189592138L;
    private static final long GOLDEN_NORMALIZED = -4084923816190900351L;
}
