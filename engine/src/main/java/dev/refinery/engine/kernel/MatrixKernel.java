package dev.refinery.engine.kernel;

/**
 * The engine's hot loops, single-threaded. Every matrix product in the engine is one call of
 * {@link #gemm}, whose operands may each be stored either way round, so callers never transpose a
 * matrix just to multiply it. {@link Kernels} splits the same calls over the cores.
 *
 * <p>Storage conventions: op(A) is m x k, op(B) is k x n, C is m x n, all row-major with leading
 * dimensions lda, ldb, ldc. With {@code transA} false, A is stored m x k (element (i, p) at
 * aOff + i*lda + p); with {@code transA} true it is stored k x m (element (i, p) at aOff + p*lda + i).
 * With {@code transB} true, B is stored n x k (element (p, j) at bOff + j*ldb + p); with {@code transB}
 * false it is stored k x n (element (p, j) at bOff + p*ldb + j).
 */
public interface MatrixKernel {

    /** Short name for logs and benchmark tables. */
    String name();

    /**
     * Rows of C the kernel computes together; {@link Kernels} starts each thread's share of rows on a
     * multiple of it, so that only the last share has a partial tile.
     */
    default int tileRows() {
        return 1;
    }

    /** C = (accumulate ? C : 0) + op(A) op(B). See the class comment for the layouts. */
    void gemm(boolean transA, boolean transB,
              float[] a, int aOff, int lda,
              float[] b, int bOff, int ldb,
              float[] c, int cOff, int ldc,
              int m, int n, int k, boolean accumulate);

    /**
     * C = (accumulate ? C : 0) + A B^T for a single row of A (m = 1): y[j] = x . B[j], the matrix-vector
     * product of token-by-token decoding. B is stored n x k. Kept apart from {@link #gemm} because a
     * single row is bound by memory, not arithmetic, and wants no packing.
     */
    void gemv(float[] x, int xOff, float[] b, int bOff, int ldb, float[] y, int yOff, int n, int k, boolean accumulate);

    /**
     * C[i][j] = (accumulate ? C[i][j] : 0) + sum over p of A[i][p] * B[j][p]: {@link #gemm} with B stored
     * n x k, the layout of a weight matrix applied to a batch of rows.
     */
    default void matmulTransB(float[] a, int aOff, int lda,
                              float[] b, int bOff, int ldb,
                              float[] c, int cOff, int ldc,
                              int m, int n, int k, boolean accumulate) {
        gemm(false, true, a, aOff, lda, b, bOff, ldb, c, cOff, ldc, m, n, k, accumulate);
    }

    /** Sum of x[xOff+i] * y[yOff+i] for i &lt; len. */
    float dot(float[] x, int xOff, float[] y, int yOff, int len);

    /** y[yOff+i] += alpha * x[xOff+i] for i &lt; len. */
    void axpy(float alpha, float[] x, int xOff, float[] y, int yOff, int len);

    /** Largest of x[off..off+len); negative infinity when len is 0. */
    float max(float[] x, int off, int len);

    /** x[off+i] = exp(x[off+i] - shift) for i &lt; len; returns the sum of the new values (softmax's denominator). */
    float expShifted(float[] x, int off, int len, float shift);

    /** x[off+i] *= factor for i &lt; len. */
    void scale(float[] x, int off, int len, float factor);

    /** out[outOff+i] = 1 / (1 + exp(-x[xOff+i])) for i &lt; len (may be the same array and offset). */
    void sigmoid(float[] x, int xOff, float[] out, int outOff, int len);
}
