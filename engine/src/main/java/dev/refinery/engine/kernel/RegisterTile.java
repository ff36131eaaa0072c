package dev.refinery.engine.kernel;

/**
 * The innermost loop of {@link PackedGemm}: a block of C of {@link #rows} x {@link #columns} held in
 * vector registers while it takes kc rank-1 updates. Its shape is what decides how close a product gets
 * to the FMA ceiling, and the right shape depends on the register file: the accumulators plus the B
 * vectors of one step plus one broadcast must all stay in registers, or the JIT spills them to the stack
 * on every step. AVX2 has 16 vector registers, AVX-512 has 32, hence one tile per width.
 *
 * <p>Each subclass names its vector species as a constant (the JIT only emits SIMD instructions for a
 * species it can see as constant), so a tile can be built on any machine but is only fast where its
 * width is native. Each element of C is one chain of fused multiply-adds in k order in every tile, so
 * the choice changes speed, never results within a JVM.
 */
abstract class RegisterTile {

    /** Rows of C per tile: how many broadcasts of A each step of k issues. */
    final int rows;
    /** Columns of C per tile: a whole number of vectors of B per step of k. */
    final int columns;

    RegisterTile(int rows, int columns) {
        this.rows = rows;
        this.columns = columns;
    }

    /** The vector width this tile's code is written for. */
    abstract int vectorBits();

    /**
     * C[0..rows)[0..columns) (+)= ap^T bp over kc steps, with no edge handling: ap holds rows floats per
     * step (packed A, step p at p*rows), the B panel row p starts at bp[bBase + p*bStride], C row r at
     * c[cIdx + r*ldc]. With {@code load} false the accumulators start from zero instead of C.
     */
    abstract void multiply(float[] ap, float[] bp, int bBase, int bStride, int kc, float[] c, int cIdx, int ldc, boolean load);

    /** The tile written for vectors of this many bits, or null when there is none (the caller falls back). */
    static RegisterTile forVectorBits(int bits) {
        return switch (bits) {
            case 512 -> new Tile8x32();
            case 256 -> new Tile6x16();
            default -> null;
        };
    }

    /**
     * A shorter tile for products with only a few rows of C, where the main tile would pad many of them
     * (a rank-8 product on a 6-row tile computes 12 rows), or null when the main tile already divides
     * the usual ranks (8 rows at 512 bits).
     */
    static RegisterTile forFewRows(int bits) {
        return bits == 256 ? new Tile4x16() : null;
    }

    /** Rows of C this tile computes, padding included, for a product with m rows. */
    int paddedRows(int m) {
        return (m + rows - 1) / rows * rows;
    }

    @Override
    public String toString() {
        return rows + "x" + columns;
    }
}
