package dev.refinery.engine.kernel;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * The AVX-512 tile: 8 rows x 2 vectors of 16 floats, the engine's first packed micro-kernel. Sixteen
 * accumulators, two B vectors and one broadcast take 19 of the 32 zmm registers. A 12 x 32 tile (27
 * registers) was tried on Zen 4 and was no faster on 1024^3 and slower on 2048 x 288 x 288.
 */
final class Tile8x32 extends RegisterTile {

    private static final VectorSpecies<Float> S = FloatVector.SPECIES_512;
    private static final int L = 16;

    Tile8x32() {
        super(8, 2 * L);
    }

    @Override
    int vectorBits() {
        return 512;
    }

    @Override
    void multiply(float[] ap, float[] bp, int bBase, int bStride, int kc, float[] c, int cIdx, int ldc, boolean load) {
        int c1 = cIdx + ldc;
        int c2 = c1 + ldc;
        int c3 = c2 + ldc;
        int c4 = c3 + ldc;
        int c5 = c4 + ldc;
        int c6 = c5 + ldc;
        int c7 = c6 + ldc;
        FloatVector r00, r01, r10, r11, r20, r21, r30, r31, r40, r41, r50, r51, r60, r61, r70, r71;
        if (load) {
            r00 = FloatVector.fromArray(S, c, cIdx);
            r01 = FloatVector.fromArray(S, c, cIdx + L);
            r10 = FloatVector.fromArray(S, c, c1);
            r11 = FloatVector.fromArray(S, c, c1 + L);
            r20 = FloatVector.fromArray(S, c, c2);
            r21 = FloatVector.fromArray(S, c, c2 + L);
            r30 = FloatVector.fromArray(S, c, c3);
            r31 = FloatVector.fromArray(S, c, c3 + L);
            r40 = FloatVector.fromArray(S, c, c4);
            r41 = FloatVector.fromArray(S, c, c4 + L);
            r50 = FloatVector.fromArray(S, c, c5);
            r51 = FloatVector.fromArray(S, c, c5 + L);
            r60 = FloatVector.fromArray(S, c, c6);
            r61 = FloatVector.fromArray(S, c, c6 + L);
            r70 = FloatVector.fromArray(S, c, c7);
            r71 = FloatVector.fromArray(S, c, c7 + L);
        } else {
            FloatVector z = FloatVector.zero(S);
            r00 = z; r01 = z; r10 = z; r11 = z; r20 = z; r21 = z; r30 = z; r31 = z;
            r40 = z; r41 = z; r50 = z; r51 = z; r60 = z; r61 = z; r70 = z; r71 = z;
        }
        for (int p = 0; p < kc; p++) {
            int bi = bBase + p * bStride;
            int ai = p * 8;
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
            x = FloatVector.broadcast(S, ap[ai + 4]);
            r40 = x.fma(b0, r40);
            r41 = x.fma(b1, r41);
            x = FloatVector.broadcast(S, ap[ai + 5]);
            r50 = x.fma(b0, r50);
            r51 = x.fma(b1, r51);
            x = FloatVector.broadcast(S, ap[ai + 6]);
            r60 = x.fma(b0, r60);
            r61 = x.fma(b1, r61);
            x = FloatVector.broadcast(S, ap[ai + 7]);
            r70 = x.fma(b0, r70);
            r71 = x.fma(b1, r71);
        }
        r00.intoArray(c, cIdx);
        r01.intoArray(c, cIdx + L);
        r10.intoArray(c, c1);
        r11.intoArray(c, c1 + L);
        r20.intoArray(c, c2);
        r21.intoArray(c, c2 + L);
        r30.intoArray(c, c3);
        r31.intoArray(c, c3 + L);
        r40.intoArray(c, c4);
        r41.intoArray(c, c4 + L);
        r50.intoArray(c, c5);
        r51.intoArray(c, c5 + L);
        r60.intoArray(c, c6);
        r61.intoArray(c, c6 + L);
        r70.intoArray(c, c7);
        r71.intoArray(c, c7 + L);
    }
}
