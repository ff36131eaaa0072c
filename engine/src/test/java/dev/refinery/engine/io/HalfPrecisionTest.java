package dev.refinery.engine.io;

import org.junit.jupiter.api.Test;

import static dev.refinery.engine.io.HalfPrecision.bfloat16ToFloat;
import static dev.refinery.engine.io.HalfPrecision.floatToBfloat16;
import static dev.refinery.engine.io.HalfPrecision.floatToHalf;
import static dev.refinery.engine.io.HalfPrecision.halfToFloat;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class HalfPrecisionTest {

    @Test
    void decodesKnownHalfBitPatterns() {
        assertEquals(1.0f, halfToFloat(0x3C00));
        assertEquals(-2.0f, halfToFloat(0xC000));
        assertEquals(65504f, halfToFloat(0x7BFF));
        assertEquals(0x1p-24f, halfToFloat(0x0001)); // smallest subnormal, about 5.96e-8
        assertEquals(5.9604645e-8f, halfToFloat(0x0001));
        assertEquals(0x3FFp-24f, halfToFloat(0x03FF)); // largest subnormal
        assertEquals(0x1p-14f, halfToFloat(0x0400)); // smallest normal
        assertEquals(Float.POSITIVE_INFINITY, halfToFloat(0x7C00));
        assertEquals(Float.NEGATIVE_INFINITY, halfToFloat(0xFC00));
        assertTrue(Float.isNaN(halfToFloat(0x7E00)));
        assertTrue(Float.isNaN(halfToFloat(0x7C01)), "a NaN with only the lowest payload bit must stay NaN");
        assertEquals(Float.floatToRawIntBits(-0.0f), Float.floatToRawIntBits(halfToFloat(0x8000)));
    }

    @Test
    void encodesKnownHalfBitPatterns() {
        assertEquals(0x3C00, floatToHalf(1.0f) & 0xffff);
        assertEquals(0x7BFF, floatToHalf(65504f) & 0xffff);
        assertEquals(0x0001, floatToHalf(5.9604645e-8f) & 0xffff);
        assertEquals(0x7C00, floatToHalf(1e6f) & 0xffff, "overflow becomes infinity");
        assertEquals(0x7C00, floatToHalf(Float.POSITIVE_INFINITY) & 0xffff);
        assertEquals(0xFC00, floatToHalf(Float.NEGATIVE_INFINITY) & 0xffff);
        assertEquals(0x0000, floatToHalf(1e-10f) & 0xffff, "underflow becomes zero");
        assertEquals(0x8000, floatToHalf(-0.0f) & 0xffff);
        int nan = floatToHalf(Float.NaN) & 0xffff;
        assertTrue((nan & 0x7C00) == 0x7C00 && (nan & 0x3FF) != 0, "NaN must encode as NaN, got " + Integer.toHexString(nan));
        int lowPayloadNan = floatToHalf(Float.intBitsToFloat(0x7F800001)) & 0xffff;
        assertTrue((lowPayloadNan & 0x3FF) != 0, "a NaN whose payload does not fit must not become infinity");
    }

    @Test
    void everyHalfSurvivesARoundTripThroughFloat() {
        for (int h = 0; h < 0x10000; h++) {
            float f = halfToFloat(h);
            assertEquals(h, floatToHalf(f) & 0xffff, "half 0x" + Integer.toHexString(h) + " -> " + f);
        }
    }

    @Test
    void floatToHalfRoundsToNearestWithTiesToEven() {
        // Between every pair of adjacent finite positive halves, check the midpoint and its float neighbours.
        for (int h = 0; h < 0x7BFF; h++) {
            double lo = halfToFloat(h);
            double hi = halfToFloat(h + 1);
            float mid = (float) ((lo + hi) / 2); // exact: halves have few significant bits
            int even = (h & 1) == 0 ? h : h + 1;
            assertEquals(even, floatToHalf(mid) & 0xffff, "tie at " + mid);
            assertEquals(h, floatToHalf(Math.nextDown(mid)) & 0xffff, "just below " + mid);
            assertEquals(h + 1, floatToHalf(Math.nextUp(mid)) & 0xffff, "just above " + mid);
        }
        // 65520 is the tie between 65504 (odd mantissa) and the would-be 65536: rounds to even, i.e. infinity.
        assertEquals(0x7C00, floatToHalf(65520f) & 0xffff);
        assertEquals(0x7BFF, floatToHalf(Math.nextDown(65520f)) & 0xffff);
    }

    @Test
    void bfloat16BitPatterns() {
        assertEquals(1.0f, bfloat16ToFloat(0x3F80));
        assertEquals(-1.0f, bfloat16ToFloat(0xBF80));
        assertEquals(Float.POSITIVE_INFINITY, bfloat16ToFloat(0x7F80));
        assertTrue(Float.isNaN(bfloat16ToFloat(0x7FC0)));
        assertEquals(0x1p-133f, bfloat16ToFloat(0x0001)); // smallest bf16 subnormal
        assertEquals(0x3F80, floatToBfloat16(1.0f) & 0xffff);
        assertEquals(0x4049, floatToBfloat16(3.140625f) & 0xffff);
        int nan = floatToBfloat16(Float.intBitsToFloat(0x7F800001)) & 0xffff;
        assertTrue(Float.isNaN(bfloat16ToFloat(nan)), "NaN must stay NaN, got " + Integer.toHexString(nan));
    }

    @Test
    void floatToBfloat16RoundsToNearestWithTiesToEven() {
        // 1 + 2^-8 is halfway between bf16 1.0 (0x3F80, even) and 0x3F81: rounds down to even.
        assertEquals(0x3F80, floatToBfloat16(1f + 0x1p-8f) & 0xffff);
        // 1 + 3 * 2^-8 is halfway between 0x3F81 (odd) and 0x3F82: rounds up to even.
        assertEquals(0x3F82, floatToBfloat16(1f + 3 * 0x1p-8f) & 0xffff);
        assertEquals(0x3F81, floatToBfloat16(Math.nextUp(1f + 0x1p-8f)) & 0xffff);
        assertEquals(0x7F80, floatToBfloat16(Float.MAX_VALUE) & 0xffff, "the largest float rounds to infinity");
        for (int b = 0; b < 0x10000; b++) {
            float f = bfloat16ToFloat(b);
            if (!Float.isNaN(f)) {
                assertEquals(b, floatToBfloat16(f) & 0xffff);
            }
        }
    }
}
