package dev.refinery.engine.kernel;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Matrix product as dot products, C = A B^T with both operands read along their contiguous rows, for
 * products whose C has only a few columns: LoRA's x A^T with rank 8 would fill a quarter of
 * {@link PackedGemm}'s 32-column tiles. Four rows of A against four rows of B per block, sixteen vector
 * accumulators reduced once at the end. Each element is a fixed sequence of lane-wise FMAs and an
 * in-order lane reduction, so results do not depend on the block it falls in or the thread that ran it.
 */
final class DotGemm {

    private static final VectorSpecies<Float> S = VectorWidth.SPECIES;
    private static final int L = S.length();

    /** Widest C this path is used for. */
    static final int MAX_COLUMNS = 16;

    private DotGemm() {
    }

    /** C = (accumulate ? C : 0) + A B^T; A stored m x k, B stored n x k. */
    static void gemm(float[] a, int aOff, int lda, float[] b, int bOff, int ldb, float[] c, int cOff, int ldc,
                     int m, int n, int k, boolean accumulate) {
        int i = 0;
        for (; i + 3 < m; i += 4) {
            int j = 0;
            for (; j + 3 < n; j += 4) {
                block4x4(a, aOff + i * lda, lda, b, bOff + j * ldb, ldb, c, cOff + i * ldc + j, ldc, k, accumulate);
            }
            for (; j < n; j++) {
                for (int r = 0; r < 4; r++) {
                    store(c, cOff + (i + r) * ldc + j, dot(a, aOff + (i + r) * lda, b, bOff + j * ldb, k), accumulate);
                }
            }
        }
        for (; i < m; i++) {
            for (int j = 0; j < n; j++) {
                store(c, cOff + i * ldc + j, dot(a, aOff + i * lda, b, bOff + j * ldb, k), accumulate);
            }
        }
    }

    private static void store(float[] c, int idx, float v, boolean accumulate) {
        c[idx] = accumulate ? c[idx] + v : v;
    }

    private static void block4x4(float[] a, int a0, int lda, float[] b, int b0, int ldb,
                                 float[] c, int c0, int ldc, int k, boolean accumulate) {
        FloatVector s00 = FloatVector.zero(S), s01 = s00, s02 = s00, s03 = s00;
        FloatVector s10 = s00, s11 = s00, s12 = s00, s13 = s00;
        FloatVector s20 = s00, s21 = s00, s22 = s00, s23 = s00;
        FloatVector s30 = s00, s31 = s00, s32 = s00, s33 = s00;
        int a1 = a0 + lda, a2 = a1 + lda, a3 = a2 + lda;
        int b1 = b0 + ldb, b2 = b1 + ldb, b3 = b2 + ldb;
        int p = 0;
        int upper = S.loopBound(k);
        for (; p < upper; p += L) {
            FloatVector x0 = FloatVector.fromArray(S, a, a0 + p);
            FloatVector x1 = FloatVector.fromArray(S, a, a1 + p);
            FloatVector x2 = FloatVector.fromArray(S, a, a2 + p);
            FloatVector x3 = FloatVector.fromArray(S, a, a3 + p);
            FloatVector y = FloatVector.fromArray(S, b, b0 + p);
            s00 = x0.fma(y, s00);
            s10 = x1.fma(y, s10);
            s20 = x2.fma(y, s20);
            s30 = x3.fma(y, s30);
            y = FloatVector.fromArray(S, b, b1 + p);
            s01 = x0.fma(y, s01);
            s11 = x1.fma(y, s11);
            s21 = x2.fma(y, s21);
            s31 = x3.fma(y, s31);
            y = FloatVector.fromArray(S, b, b2 + p);
            s02 = x0.fma(y, s02);
            s12 = x1.fma(y, s12);
            s22 = x2.fma(y, s22);
            s32 = x3.fma(y, s32);
            y = FloatVector.fromArray(S, b, b3 + p);
            s03 = x0.fma(y, s03);
            s13 = x1.fma(y, s13);
            s23 = x2.fma(y, s23);
            s33 = x3.fma(y, s33);
        }
        // Reduced here rather than in a helper: a vector passed to a method the JIT does not inline is
        // boxed on the heap, which made this path slower than the scalar kernel.
        float r00 = s00.reduceLanes(VectorOperators.ADD), r01 = s01.reduceLanes(VectorOperators.ADD);
        float r02 = s02.reduceLanes(VectorOperators.ADD), r03 = s03.reduceLanes(VectorOperators.ADD);
        float r10 = s10.reduceLanes(VectorOperators.ADD), r11 = s11.reduceLanes(VectorOperators.ADD);
        float r12 = s12.reduceLanes(VectorOperators.ADD), r13 = s13.reduceLanes(VectorOperators.ADD);
        float r20 = s20.reduceLanes(VectorOperators.ADD), r21 = s21.reduceLanes(VectorOperators.ADD);
        float r22 = s22.reduceLanes(VectorOperators.ADD), r23 = s23.reduceLanes(VectorOperators.ADD);
        float r30 = s30.reduceLanes(VectorOperators.ADD), r31 = s31.reduceLanes(VectorOperators.ADD);
        float r32 = s32.reduceLanes(VectorOperators.ADD), r33 = s33.reduceLanes(VectorOperators.ADD);
        for (; p < k; p++) {
            float x0 = a[a0 + p], x1 = a[a1 + p], x2 = a[a2 + p], x3 = a[a3 + p];
            float y0 = b[b0 + p], y1 = b[b1 + p], y2 = b[b2 + p], y3 = b[b3 + p];
            r00 += x0 * y0; r01 += x0 * y1; r02 += x0 * y2; r03 += x0 * y3;
            r10 += x1 * y0; r11 += x1 * y1; r12 += x1 * y2; r13 += x1 * y3;
            r20 += x2 * y0; r21 += x2 * y1; r22 += x2 * y2; r23 += x2 * y3;
            r30 += x3 * y0; r31 += x3 * y1; r32 += x3 * y2; r33 += x3 * y3;
        }
        store4(c, c0, r00, r01, r02, r03, accumulate);
        store4(c, c0 + ldc, r10, r11, r12, r13, accumulate);
        store4(c, c0 + 2 * ldc, r20, r21, r22, r23, accumulate);
        store4(c, c0 + 3 * ldc, r30, r31, r32, r33, accumulate);
    }

    private static void store4(float[] c, int ci, float r0, float r1, float r2, float r3, boolean accumulate) {
        store(c, ci, r0, accumulate);
        store(c, ci + 1, r1, accumulate);
        store(c, ci + 2, r2, accumulate);
        store(c, ci + 3, r3, accumulate);
    }

    static float dot(float[] x, int xOff, float[] y, int yOff, int len) {
        FloatVector s = FloatVector.zero(S);
        int i = 0;
        int upper = S.loopBound(len);
        for (; i < upper; i += L) {
            s = FloatVector.fromArray(S, x, xOff + i).fma(FloatVector.fromArray(S, y, yOff + i), s);
        }
        float r = s.reduceLanes(VectorOperators.ADD);
        for (; i < len; i++) {
            r += x[xOff + i] * y[yOff + i];
        }
        return r;
    }
}
