package dev.refinery.engine.io;

/**
 * Conversions between float32 and the two 16-bit formats found in checkpoints. Java 17 has no
 * {@code Float.float16ToFloat}, so both directions are written out here; float→16-bit rounds to
 * nearest, ties to even, like PyTorch's {@code .to(torch.float16/bfloat16)}.
 */
public final class HalfPrecision {

    private HalfPrecision() {
    }

    /** IEEE 754 binary16 bits (in the low 16 bits of {@code half}) to float. Exact: every half is a float. */
    public static float halfToFloat(int half) {
        int sign = (half & 0x8000) << 16;
        int exponent = (half >>> 10) & 0x1f;
        int mantissa = half & 0x3ff;
        if (exponent == 0x1f) {
            // Infinity or NaN; the NaN payload moves to the top of the float mantissa so it survives a round trip.
            return Float.intBitsToFloat(sign | 0x7f800000 | (mantissa << 13));
        }
        if (exponent == 0) {
            // Zero or subnormal: mantissa * 2^-24, which float represents exactly.
            float magnitude = mantissa * 0x1p-24f;
            return sign == 0 ? magnitude : -magnitude;
        }
        // Normal: rebias the exponent from 15 to 127 and widen the mantissa from 10 to 23 bits.
        return Float.intBitsToFloat(sign | ((exponent + 112) << 23) | (mantissa << 13));
    }

    /** Float to binary16 bits, rounding to nearest even; overflow gives infinity, underflow subnormals or zero. */
    public static short floatToHalf(float value) {
        int bits = Float.floatToRawIntBits(value);
        int sign = (bits >>> 16) & 0x8000;
        int exponent = (bits >>> 23) & 0xff;
        int mantissa = bits & 0x7fffff;
        if (exponent == 0xff) {
            // Keep the payload's top bits so halves round-trip bit for bit; a NaN whose payload lives only in
            // the low bits that do not fit gets the quiet bit, so it cannot turn into infinity.
            int payload = mantissa >>> 13;
            int nan = mantissa == 0 ? 0 : (payload != 0 ? payload : 0x200);
            return (short) (sign | 0x7c00 | nan);
        }
        int halfExponent = exponent - 127 + 15;
        if (halfExponent >= 0x1f) {
            return (short) (sign | 0x7c00);
        }
        if (halfExponent <= 0) {
            if (halfExponent < -10) {
                // Below half the smallest subnormal (2^-25): rounds to zero whatever the mantissa.
                return (short) sign;
            }
            // Subnormal result: the value is (1.mantissa) * 2^(e-15); shift the full significand into place.
            int significand = mantissa | 0x800000;
            return (short) (sign | shiftRoundingToEven(significand, 14 - halfExponent));
        }
        // Normal result; a carry out of the mantissa correctly bumps the exponent (up to infinity).
        int combined = (halfExponent << 23) | mantissa;
        return (short) (sign | shiftRoundingToEven(combined, 13));
    }

    /** bfloat16 bits (the high half of a float) to float. */
    public static float bfloat16ToFloat(int bf16) {
        return Float.intBitsToFloat((bf16 & 0xffff) << 16);
    }

    /** Float to bfloat16 bits, rounding to nearest even; NaN stays NaN. */
    public static short floatToBfloat16(float value) {
        int bits = Float.floatToRawIntBits(value);
        if (Float.isNaN(value)) {
            // Rounding could carry a NaN with only low payload bits into infinity; force a quiet NaN instead.
            return (short) ((bits >>> 16) | 0x0040);
        }
        return (short) shiftRoundingToEven(bits, 16);
    }

    /** {@code value >>> shift}, rounded to nearest with ties to even (value is treated as unsigned). */
    private static int shiftRoundingToEven(int value, int shift) {
        int kept = value >>> shift;
        int dropped = value & ((1 << shift) - 1);
        int halfway = 1 << (shift - 1);
        if (dropped > halfway || (dropped == halfway && (kept & 1) == 1)) {
            kept++;
        }
        return kept;
    }
}
