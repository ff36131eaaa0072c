package dev.refinery.engine.kernel;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * The AVX2 tile for products with few rows: 4 rows x 2 vectors of 8 floats, eight accumulators (just
 * enough to cover the FMA latency on two pipes). LoRA's gradient products have the rank as their rows
 * (8 or 16), which {@link Tile6x16} covers with a strip of 6 and a strip padded from 2 to 6; this one
 * divides them. Chosen by {@link VectorKernel} when it pads fewer rows.
 */
final class Tile4x16 extends RegisterTile {

    private static final VectorSpecies<Float> S = FloatVector.SPECIES_256;
    private static final int L = 8;

    Tile4x16() {
        super(4, 2 * L);
    }

    @Override
    int vectorBits() {
        return 256;
    }

    @Override
    void multiply(float[] ap, float[] bp, int bBase, int bStride, int kc, float[] c, int cIdx, int ldc, boolean load) {
        int c0 = cIdx;
        int c1 = c0 + ldc;
        int c2 = c1 + ldc;
        int c3 = c2 + ldc;
        FloatVector r00, r01, r10, r11, r20, r21, r30, r31;
        if (load) {
            r00 = FloatVector.fromArray(S, c, c0);
            r01 = FloatVector.fromArray(S, c, c0 + L);
            r10 = FloatVector.fromArray(S, c, c1);
            r11 = FloatVector.fromArray(S, c, c1 + L);
            r20 = FloatVector.fromArray(S, c, c2);
            r21 = FloatVector.fromArray(S, c, c2 + L);
            r30 = FloatVector.fromArray(S, c, c3);
            r31 = FloatVector.fromArray(S, c, c3 + L);
        } else {
            FloatVector z = FloatVector.zero(S);
            r00 = z; r01 = z;
            r10 = z; r11 = z;
            r20 = z; r21 = z;
            r30 = z; r31 = z;
        }
        for (int p = 0; p < kc; p++) {
            int bi = bBase + p * bStride;
            int ai = p * 4;
            FloatVector b0 = FloatVector.fromArray(S, bp, bi);
            FloatVector b1 = FloatVector.fromArray(S, bp, bi + L);
            FloatVector x = FloatVector.broadcast(S, ap[ai]);
            r00 = x.fma(b0, r00);
            r01 = x.fma(b1, r01);
            x = FloatVector.broadcast(S, ap[ai + 1]);
            r10 = x.fma(b0, r10);
            r11 = x.fma(b1, r11);
            x = FloatVector.broadcast(S, ap[ai + 2]);
            r20 = x.fma(b0, r20);
            r21 = x.fma(b1, r21);
            x = FloatVector.broadcast(S, ap[ai + 3]);
            r30 = x.fma(b0, r30);
            r31 = x.fma(b1, r31);
        }
        r00.intoArray(c, c0);
        r01.intoArray(c, c0 + L);
        r10.intoArray(c, c1);
        r11.intoArray(c, c1 + L);
        r20.intoArray(c, c2);
        r21.intoArray(c, c2 + L);
        r30.intoArray(c, c3);
        r31.intoArray(c, c3 + L);
    }
}
