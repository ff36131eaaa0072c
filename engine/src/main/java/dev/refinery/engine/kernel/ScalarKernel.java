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
    public void matmulTransB(float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                             float[] c, int cOff, int ldc, int m, int n, int k, boolean accumulate) {
        for (int i = 0; i < m; i++) {
            int ai = aOff + i * lda;
            int ci = cOff + i * ldc;
            for (int j = 0; j < n; j++) {
                float s = dot(a, ai, b, bOff + j * ldb, k);
                c[ci + j] = accumulate ? c[ci + j] + s : s;
            }
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
}
