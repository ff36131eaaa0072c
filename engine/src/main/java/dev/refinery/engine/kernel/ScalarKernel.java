package dev.refinery.engine.kernel;

/**
 * Plain-Java fallback used when the Vector API module is absent. Four independent accumulators
 * let the JIT overlap the floating-point additions.
 */
final class ScalarKernel implements MatrixKernel {

    @Override
    public String name() {
        return "scalar";
    }

    @Override
    public void gemm(boolean transA, boolean transB, float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                     float[] c, int cOff, int ldc, int m, int n, int k, boolean accumulate) {
        // Element strides of op(A) along i and p, and of op(B) along p and j.
        int aI = transA ? 1 : lda;
        int aP = transA ? lda : 1;
        int bP = transB ? 1 : ldb;
        int bJ = transB ? ldb : 1;
        float[] row = new float[n];
        for (int i = 0; i < m; i++) {
            int ci = cOff + i * ldc;
            for (int j = 0; j < n; j++) {
                row[j] = accumulate ? c[ci + j] : 0f;
            }
            // i-p-j order: the inner loop walks a row of op(B) and a row of C.
            for (int p = 0; p < k; p++) {
                float x = a[aOff + i * aI + p * aP];
                int bp = bOff + p * bP;
                for (int j = 0; j < n; j++) {
                    row[j] += x * b[bp + j * bJ];
                }
            }
            System.arraycopy(row, 0, c, ci, n);
        }
    }

    @Override
    public void gemv(float[] x, int xOff, float[] b, int bOff, int ldb, float[] y, int yOff, int n, int k, boolean accumulate) {
        for (int j = 0; j < n; j++) {
            float s = dot(x, xOff, b, bOff + j * ldb, k);
            y[yOff + j] = accumulate ? y[yOff + j] + s : s;
        }
    }

    @Override
    public float dot(float[] x, int xOff, float[] y, int yOff, int len) {
        float s0 = 0;
        float s1 = 0;
        float s2 = 0;
        float s3 = 0;
        int i = 0;
        for (; i + 3 < len; i += 4) {
            s0 += x[xOff + i] * y[yOff + i];
            s1 += x[xOff + i + 1] * y[yOff + i + 1];
            s2 += x[xOff + i + 2] * y[yOff + i + 2];
            s3 += x[xOff + i + 3] * y[yOff + i + 3];
        }
        for (; i < len; i++) {
            s0 += x[xOff + i] * y[yOff + i];
        }
        return (s0 + s1) + (s2 + s3);
    }

    @Override
    public void axpy(float alpha, float[] x, int xOff, float[] y, int yOff, int len) {
        for (int i = 0; i < len; i++) {
            y[yOff + i] += alpha * x[xOff + i];
        }
    }

    @Override
    public float max(float[] x, int off, int len) {
        float m = Float.NEGATIVE_INFINITY;
        for (int i = 0; i < len; i++) {
            m = Math.max(m, x[off + i]);
        }
        return m;
    }

    @Override
    public float expShifted(float[] x, int off, int len, float shift) {
        float sum = 0f;
        for (int i = 0; i < len; i++) {
            float e = (float) Math.exp(x[off + i] - shift);
            x[off + i] = e;
            sum += e;
        }
        return sum;
    }

    @Override
    public void scale(float[] x, int off, int len, float factor) {
        for (int i = 0; i < len; i++) {
            x[off + i] *= factor;
        }
    }

    @Override
    public void sigmoid(float[] x, int xOff, float[] out, int outOff, int len) {
        for (int i = 0; i < len; i++) {
            out[outOff + i] = 1f / (1f + (float) Math.exp(-x[xOff + i]));
        }
    }
}
