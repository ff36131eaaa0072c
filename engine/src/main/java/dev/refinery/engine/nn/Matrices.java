package dev.refinery.engine.nn;

/** Small layout helpers for row-major matrices. */
public final class Matrices {

    private Matrices() {
    }

    /**
     * dst[c][r] = src[r][c] for r &lt; rows, c &lt; cols, reading row r of src at srcOff + r*lds and writing
     * row c of dst at dstOff + c*ldd. Blocked so both sides stay in cache.
     */
    public static void transpose(float[] src, int srcOff, int lds, float[] dst, int dstOff, int ldd, int rows, int cols) {
        final int block = 32;
        for (int r0 = 0; r0 < rows; r0 += block) {
            int r1 = Math.min(rows, r0 + block);
            for (int c0 = 0; c0 < cols; c0 += block) {
                int c1 = Math.min(cols, c0 + block);
                for (int r = r0; r < r1; r++) {
                    int s = srcOff + r * lds;
                    for (int c = c0; c < c1; c++) {
                        dst[dstOff + c * ldd + r] = src[s + c];
                    }
                }
            }
        }
    }

    /** A new [cols, rows] array holding the transpose of a dense [rows, cols] matrix. */
    public static float[] transposed(float[] src, int rows, int cols) {
        float[] dst = new float[rows * cols];
        transpose(src, 0, cols, dst, 0, rows, rows, cols);
        return dst;
    }
}
