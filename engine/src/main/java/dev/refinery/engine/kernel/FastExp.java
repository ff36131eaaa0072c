package dev.refinery.engine.kernel;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * exp(x) in float from additions, multiplications and fused multiply-adds only (the Cephes expf
 * scheme): x = n ln2 + r with |r| &lt;= ln2/2, exp(r) by a degree-7 polynomial, 2^n put straight into
 * the exponent bits. Every step is exactly specified by IEEE 754, so the vector code, its interpreted
 * fallback and the scalar version for row tails all give the same bits; about 2 ulp from the true value.
 * Inputs are clamped to [-87, 88], where the result stays a normal float.
 */
final class FastExp {

    private static final VectorSpecies<Float> S = VectorWidth.SPECIES;
    private static final float LOG2E = 1.44269504088896341f;
    /** 1.5 * 2^23: adding it rounds to an integer, which lands in the low mantissa bits. */
    private static final float ROUND = 12582912f;
    private static final float LN2_HI = 0.693359375f;
    private static final float LN2_LO = -2.12194440e-4f;
    private static final float MIN = -87f;
    private static final float MAX = 88f;
    private static final float P0 = 1.9875691500e-4f;
    private static final float P1 = 1.3981999507e-3f;
    private static final float P2 = 8.3334519073e-3f;
    private static final float P3 = 4.1665795894e-2f;
    private static final float P4 = 1.6666665459e-1f;
    private static final float P5 = 5.0000001201e-1f;

    private FastExp() {
    }

    static FloatVector exp(FloatVector x) {
        x = x.max(MIN).min(MAX);
        FloatVector t = x.fma(LOG2E, ROUND);
        FloatVector n = t.sub(ROUND);
        // The rounded integer sits in the low bits of t; adding the bias and shifting it into the exponent
        // field leaves exactly 2^n (the bits of ROUND itself are shifted out).
        FloatVector scale = ((IntVector) t.reinterpretAsInts()).add(127).lanewise(VectorOperators.LSHL, 23).reinterpretAsFloats();
        FloatVector r = n.fma(FloatVector.broadcast(S, -LN2_HI), x);
        r = n.fma(FloatVector.broadcast(S, -LN2_LO), r);
        FloatVector p = r.fma(FloatVector.broadcast(S, P0), FloatVector.broadcast(S, P1));
        p = p.fma(r, FloatVector.broadcast(S, P2));
        p = p.fma(r, FloatVector.broadcast(S, P3));
        p = p.fma(r, FloatVector.broadcast(S, P4));
        p = p.fma(r, FloatVector.broadcast(S, P5));
        p = p.fma(r.mul(r), r).add(1f);
        return p.mul(scale);
    }

    static float exp(float x) {
        x = Math.min(Math.max(x, MIN), MAX);
        float t = Math.fma(x, LOG2E, ROUND);
        float n = t - ROUND;
        float scale = Float.intBitsToFloat((Float.floatToRawIntBits(t) + 127) << 23);
        float r = Math.fma(n, -LN2_HI, x);
        r = Math.fma(n, -LN2_LO, r);
        float p = Math.fma(r, P0, P1);
        p = Math.fma(p, r, P2);
        p = Math.fma(p, r, P3);
        p = Math.fma(p, r, P4);
        p = Math.fma(p, r, P5);
        p = Math.fma(p, r * r, r) + 1f;
        return p * scale;
    }
}
