package dev.refinery.engine.kernel;

/**
 * The engine's hot loops, single-threaded. Every matrix product in the engine is expressed as
 * {@link #matmulTransB}: both operands are read along their contiguous rows, which is the access
 * pattern that vectorises well (see docs/engine.md, "Kernels"). Callers transpose when needed.
 */
public interface MatrixKernel {

    /** Short name for logs and benchmark tables. */
    String name();

    /**
     * C[i][j] = (accumulate ? C[i][j] : 0) + sum over p of A[i][p] * B[j][p], for i &lt; m, j &lt; n, p &lt; k.
     * Row i of A starts at aOff + i*lda, row j of B at bOff + j*ldb, row i of C at cOff + i*ldc.
     */
    void matmulTransB(float[] a, int aOff, int lda,
                      float[] b, int bOff, int ldb,
                      float[] c, int cOff, int ldc,
                      int m, int n, int k, boolean accumulate);

    /** Sum of x[xOff+i] * y[yOff+i] for i &lt; len. */
    float dot(float[] x, int xOff, float[] y, int yOff, int len);

    /** y[yOff+i] += alpha * x[xOff+i] for i &lt; len. */
    void axpy(float alpha, float[] x, int xOff, float[] y, int yOff, int len);
}
