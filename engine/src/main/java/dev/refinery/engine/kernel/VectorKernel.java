package dev.refinery.engine.kernel;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * SIMD kernel on the incubating Vector API. Loaded reflectively by {@link Kernels} only when the
 * {@code jdk.incubator.vector} module is present, so the engine still runs without it.
 *
 * <p>The product computes a 4x4 block of C at a time: four rows of A against four rows of B, sixteen
 * vector accumulators, eight loads for sixteen fused multiply-adds per step, which keeps the FMA
 * units busy rather than the load ports. Edges fall back to single dot products.
 */
final class VectorKernel implements MatrixKernel {

    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int L = S.length();

    @Override
    public String name() {
        return "vector-" + S.vectorBitSize();
    }

    /** Depth of one pass over the shared dimension: a 4-row strip of A stays in L1. */
    private static final int K_BLOCK = 512;
    /** Rows of B visited per pass: about 128 KiB of B stays in L2 while every row of A streams past. */
    private static final int N_BLOCK = 64;

    @Override
    public void matmulTransB(float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                             float[] c, int cOff, int ldc, int m, int n, int k, boolean accumulate) {
        if (k == 0) {
            if (!accumulate) {
                for (int i = 0; i < m; i++) {
                    java.util.Arrays.fill(c, cOff + i * ldc, cOff + i * ldc + n, 0f);
                }
            }
            return;
        }
        for (int p0 = 0; p0 < k; p0 += K_BLOCK) {
            int kb = Math.min(K_BLOCK, k - p0);
            boolean acc = accumulate || p0 > 0;
            for (int j0 = 0; j0 < n; j0 += N_BLOCK) {
                int nb = Math.min(N_BLOCK, n - j0);
                panel(a, aOff + p0, lda, b, bOff + j0 * ldb + p0, ldb, c, cOff + j0, ldc, m, nb, kb, acc);
            }
        }
    }

    /** One cache-resident panel: all rows of A against nb rows of B over kb columns. */
    private static void panel(float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                              float[] c, int cOff, int ldc, int m, int n, int k, boolean accumulate) {
        int i = 0;
        for (; i + 3 < m; i += 4) {
            int j = 0;
            for (; j + 3 < n; j += 4) {
                block4x4(a, aOff + i * lda, lda, b, bOff + j * ldb, ldb, c, cOff + i * ldc + j, ldc, k, accumulate);
            }
            for (; j < n; j++) {
                for (int r = 0; r < 4; r++) {
                    store(c, cOff + (i + r) * ldc + j, dotStatic(a, aOff + (i + r) * lda, b, bOff + j * ldb, k), accumulate);
                }
            }
        }
        for (; i < m; i++) {
            int j = 0;
            for (; j + 3 < n; j += 4) {
                row1x4(a, aOff + i * lda, b, bOff + j * ldb, ldb, c, cOff + i * ldc + j, k, accumulate);
            }
            for (; j < n; j++) {
                store(c, cOff + i * ldc + j, dotStatic(a, aOff + i * lda, b, bOff + j * ldb, k), accumulate);
            }
        }
    }

    private static void store(float[] c, int idx, float v, boolean accumulate) {
        c[idx] = accumulate ? c[idx] + v : v;
    }

    private static void block4x4(float[] a, int a0, int lda, float[] b, int b0, int ldb,
                                 float[] c, int c0, int ldc, int k, boolean accumulate) {
        FloatVector c00 = FloatVector.zero(S), c01 = FloatVector.zero(S), c02 = FloatVector.zero(S), c03 = FloatVector.zero(S);
        FloatVector c10 = FloatVector.zero(S), c11 = FloatVector.zero(S), c12 = FloatVector.zero(S), c13 = FloatVector.zero(S);
        FloatVector c20 = FloatVector.zero(S), c21 = FloatVector.zero(S), c22 = FloatVector.zero(S), c23 = FloatVector.zero(S);
        FloatVector c30 = FloatVector.zero(S), c31 = FloatVector.zero(S), c32 = FloatVector.zero(S), c33 = FloatVector.zero(S);
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
            c00 = x0.fma(y, c00);
            c10 = x1.fma(y, c10);
            c20 = x2.fma(y, c20);
            c30 = x3.fma(y, c30);
            y = FloatVector.fromArray(S, b, b1 + p);
            c01 = x0.fma(y, c01);
            c11 = x1.fma(y, c11);
            c21 = x2.fma(y, c21);
            c31 = x3.fma(y, c31);
            y = FloatVector.fromArray(S, b, b2 + p);
            c02 = x0.fma(y, c02);
            c12 = x1.fma(y, c12);
            c22 = x2.fma(y, c22);
            c32 = x3.fma(y, c32);
            y = FloatVector.fromArray(S, b, b3 + p);
            c03 = x0.fma(y, c03);
            c13 = x1.fma(y, c13);
            c23 = x2.fma(y, c23);
            c33 = x3.fma(y, c33);
        }
        float[] acc = {
            c00.reduceLanes(VectorOperators.ADD), c01.reduceLanes(VectorOperators.ADD), c02.reduceLanes(VectorOperators.ADD), c03.reduceLanes(VectorOperators.ADD),
            c10.reduceLanes(VectorOperators.ADD), c11.reduceLanes(VectorOperators.ADD), c12.reduceLanes(VectorOperators.ADD), c13.reduceLanes(VectorOperators.ADD),
            c20.reduceLanes(VectorOperators.ADD), c21.reduceLanes(VectorOperators.ADD), c22.reduceLanes(VectorOperators.ADD), c23.reduceLanes(VectorOperators.ADD),
            c30.reduceLanes(VectorOperators.ADD), c31.reduceLanes(VectorOperators.ADD), c32.reduceLanes(VectorOperators.ADD), c33.reduceLanes(VectorOperators.ADD),
        };
        for (; p < k; p++) {
            float x0 = a[a0 + p], x1 = a[a1 + p], x2 = a[a2 + p], x3 = a[a3 + p];
            float y0 = b[b0 + p], y1 = b[b1 + p], y2 = b[b2 + p], y3 = b[b3 + p];
            acc[0] += x0 * y0; acc[1] += x0 * y1; acc[2] += x0 * y2; acc[3] += x0 * y3;
            acc[4] += x1 * y0; acc[5] += x1 * y1; acc[6] += x1 * y2; acc[7] += x1 * y3;
            acc[8] += x2 * y0; acc[9] += x2 * y1; acc[10] += x2 * y2; acc[11] += x2 * y3;
            acc[12] += x3 * y0; acc[13] += x3 * y1; acc[14] += x3 * y2; acc[15] += x3 * y3;
        }
        for (int r = 0; r < 4; r++) {
            int row = c0 + r * ldc;
            for (int q = 0; q < 4; q++) {
                store(c, row + q, acc[r * 4 + q], accumulate);
            }
        }
    }

    private static void row1x4(float[] a, int a0, float[] b, int b0, int ldb,
                               float[] c, int c0, int k, boolean accumulate) {
        FloatVector s0 = FloatVector.zero(S), s1 = FloatVector.zero(S), s2 = FloatVector.zero(S), s3 = FloatVector.zero(S);
        int b1 = b0 + ldb, b2 = b1 + ldb, b3 = b2 + ldb;
        int p = 0;
        int upper = S.loopBound(k);
        for (; p < upper; p += L) {
            FloatVector x = FloatVector.fromArray(S, a, a0 + p);
            s0 = x.fma(FloatVector.fromArray(S, b, b0 + p), s0);
            s1 = x.fma(FloatVector.fromArray(S, b, b1 + p), s1);
            s2 = x.fma(FloatVector.fromArray(S, b, b2 + p), s2);
            s3 = x.fma(FloatVector.fromArray(S, b, b3 + p), s3);
        }
        float r0 = s0.reduceLanes(VectorOperators.ADD);
        float r1 = s1.reduceLanes(VectorOperators.ADD);
        float r2 = s2.reduceLanes(VectorOperators.ADD);
        float r3 = s3.reduceLanes(VectorOperators.ADD);
        for (; p < k; p++) {
            float x = a[a0 + p];
            r0 += x * b[b0 + p];
            r1 += x * b[b1 + p];
            r2 += x * b[b2 + p];
            r3 += x * b[b3 + p];
        }
        store(c, c0, r0, accumulate);
        store(c, c0 + 1, r1, accumulate);
        store(c, c0 + 2, r2, accumulate);
        store(c, c0 + 3, r3, accumulate);
    }

    @Override
    public float dot(float[] x, int xOff, float[] y, int yOff, int len) {
        return dotStatic(x, xOff, y, yOff, len);
    }

    private static float dotStatic(float[] x, int xOff, float[] y, int yOff, int len) {
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

    @Override
    public void axpy(float alpha, float[] x, int xOff, float[] y, int yOff, int len) {
        FloatVector av = FloatVector.broadcast(S, alpha);
        int i = 0;
        int upper = S.loopBound(len);
        for (; i < upper; i += L) {
            FloatVector.fromArray(S, x, xOff + i).fma(av, FloatVector.fromArray(S, y, yOff + i)).intoArray(y, yOff + i);
        }
        for (; i < len; i++) {
            y[yOff + i] += alpha * x[xOff + i];
        }
    }
}
