package dev.refinery.engine.kernel;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * SIMD kernel on the incubating Vector API. Loaded reflectively by {@link Kernels} only when the
 * {@code jdk.incubator.vector} module is present, so the engine still runs without it.
 *
 * <p>Matrix products go to {@link PackedGemm} with the register tile for this machine's vector width, or
 * to {@link DotGemm} when C has only a few columns and both operands run along k. Construction fails
 * on a width no tile is written for, and {@link Kernels} then falls back to the scalar kernel. The single-row product of decoding is a set of dot
 * products instead, four rows of B at a time sharing each load of x: it reads every weight once, which
 * is all that matters when a product is bound by memory.
 */
final class VectorKernel implements MatrixKernel {

    private static final VectorSpecies<Float> S = VectorWidth.SPECIES;
    private static final int L = S.length();

    /** Products with at most this many rows may take the few-rows tile. */
    private static final int FEW_ROWS = 32;

    private final PackedGemm packed;
    /** For products with few rows where it pads fewer of them than {@link #packed}'s tile; null if none. */
    private final PackedGemm packedFewRows;
    private final CacheSizes caches;

    VectorKernel() {
        RegisterTile tile = RegisterTile.forVectorBits(S.vectorBitSize());
        if (tile == null) {
            throw new UnsupportedOperationException("no register tile is written for " + S.vectorBitSize() + "-bit vectors");
        }
        this.caches = CacheSizes.ofThisMachine();
        this.packed = new PackedGemm(tile, CacheBlocking.forTile(tile, caches));
        RegisterTile fewRows = RegisterTile.forFewRows(S.vectorBitSize());
        this.packedFewRows = fewRows == null ? null : new PackedGemm(fewRows, CacheBlocking.forTile(fewRows, caches));
    }

    /** For example "vector-512 (8x32 tile, kc 256, nc 512; L1d 32 KiB, L2 1024 KiB)": the benchmark headers print it. */
    @Override
    public String name() {
        return "vector-" + S.vectorBitSize() + " (" + packed + (packedFewRows == null ? "" : "; " + packedFewRows.tile()
                + " tile for few rows") + "; " + caches + ")";
    }

    @Override
    public int tileRows() {
        return packed.tile().rows;
    }

    @Override
    public void gemm(boolean transA, boolean transB, float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                     float[] c, int cOff, int ldc, int m, int n, int k, boolean accumulate) {
        if (!transA && transB && n <= DotGemm.MAX_COLUMNS && k >= 2 * L) {
            DotGemm.gemm(a, aOff, lda, b, bOff, ldb, c, cOff, ldc, m, n, k, accumulate);
        } else {
            packedFor(m).gemm(transA, transB, a, aOff, lda, b, bOff, ldb, c, cOff, ldc, m, n, k, accumulate);
        }
    }

    /** Every tile rounds alike (one FMA chain per element), so choosing by shape never changes results. */
    private PackedGemm packedFor(int m) {
        if (packedFewRows != null && m <= FEW_ROWS
                && packedFewRows.tile().paddedRows(m) < packed.tile().paddedRows(m)) {
            return packedFewRows;
        }
        return packed;
    }

    @Override
    public void gemv(float[] x, int xOff, float[] b, int bOff, int ldb, float[] y, int yOff, int n, int k, boolean accumulate) {
        int j = 0;
        for (; j + 3 < n; j += 4) {
            dot4(x, xOff, b, bOff + j * ldb, ldb, y, yOff + j, k, accumulate);
        }
        for (; j < n; j++) {
            store(y, yOff + j, dotStatic(x, xOff, b, bOff + j * ldb, k), accumulate);
        }
    }

    private static void store(float[] c, int idx, float v, boolean accumulate) {
        c[idx] = accumulate ? c[idx] + v : v;
    }

    /** y[0..4) (+)= x . B[0..4) for four consecutive rows of B. */
    private static void dot4(float[] x, int xOff, float[] b, int b0, int ldb, float[] y, int y0, int k, boolean accumulate) {
        FloatVector s0 = FloatVector.zero(S), s1 = FloatVector.zero(S), s2 = FloatVector.zero(S), s3 = FloatVector.zero(S);
        int b1 = b0 + ldb, b2 = b1 + ldb, b3 = b2 + ldb;
        int p = 0;
        int upper = S.loopBound(k);
        for (; p < upper; p += L) {
            FloatVector v = FloatVector.fromArray(S, x, xOff + p);
            s0 = v.fma(FloatVector.fromArray(S, b, b0 + p), s0);
            s1 = v.fma(FloatVector.fromArray(S, b, b1 + p), s1);
            s2 = v.fma(FloatVector.fromArray(S, b, b2 + p), s2);
            s3 = v.fma(FloatVector.fromArray(S, b, b3 + p), s3);
        }
        float r0 = s0.reduceLanes(VectorOperators.ADD);
        float r1 = s1.reduceLanes(VectorOperators.ADD);
        float r2 = s2.reduceLanes(VectorOperators.ADD);
        float r3 = s3.reduceLanes(VectorOperators.ADD);
        for (; p < k; p++) {
            float v = x[xOff + p];
            r0 += v * b[b0 + p];
            r1 += v * b[b1 + p];
            r2 += v * b[b2 + p];
            r3 += v * b[b3 + p];
        }
        store(y, y0, r0, accumulate);
        store(y, y0 + 1, r1, accumulate);
        store(y, y0 + 2, r2, accumulate);
        store(y, y0 + 3, r3, accumulate);
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

    @Override
    public float max(float[] x, int off, int len) {
        FloatVector m = FloatVector.broadcast(S, Float.NEGATIVE_INFINITY);
        int i = 0;
        int upper = S.loopBound(len);
        for (; i < upper; i += L) {
            m = m.max(FloatVector.fromArray(S, x, off + i));
        }
        float r = m.reduceLanes(VectorOperators.MAX);
        for (; i < len; i++) {
            r = Math.max(r, x[off + i]);
        }
        return r;
    }

    /**
     * Vectorised with {@link FastExp} rather than the Vector API's own exp: that one is SVML when
     * compiled by C2 but Math.exp lane by lane when interpreted, so the same call could round differently
     * before and after the JIT, and a resumed training run would drift from the uninterrupted one.
     */
    @Override
    public float expShifted(float[] x, int off, int len, float shift) {
        FloatVector sv = FloatVector.broadcast(S, shift);
        FloatVector sum = FloatVector.zero(S);
        int i = 0;
        int upper = S.loopBound(len);
        for (; i < upper; i += L) {
            FloatVector e = FastExp.exp(FloatVector.fromArray(S, x, off + i).sub(sv));
            e.intoArray(x, off + i);
            sum = sum.add(e);
        }
        float r = sum.reduceLanes(VectorOperators.ADD);
        for (; i < len; i++) {
            float e = FastExp.exp(x[off + i] - shift);
            x[off + i] = e;
            r += e;
        }
        return r;
    }

    @Override
    public void scale(float[] x, int off, int len, float factor) {
        FloatVector f = FloatVector.broadcast(S, factor);
        int i = 0;
        int upper = S.loopBound(len);
        for (; i < upper; i += L) {
            FloatVector.fromArray(S, x, off + i).mul(f).intoArray(x, off + i);
        }
        for (; i < len; i++) {
            x[off + i] *= factor;
        }
    }

    @Override
    public void sigmoid(float[] x, int xOff, float[] out, int outOff, int len) {
        FloatVector one = FloatVector.broadcast(S, 1f);
        int i = 0;
        int upper = S.loopBound(len);
        for (; i < upper; i += L) {
            FloatVector e = FastExp.exp(FloatVector.fromArray(S, x, xOff + i).neg());
            one.div(one.add(e)).intoArray(out, outOff + i);
        }
        for (; i < len; i++) {
            out[outOff + i] = 1f / (1f + FastExp.exp(-x[xOff + i]));
        }
    }
}
