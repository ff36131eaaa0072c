package dev.refinery.engine.kernel;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * Cache-blocked matrix product in the style of BLIS/GotoBLAS, on the Vector API.
 *
 * <p>C is computed in tiles of a {@link RegisterTile}'s rows by columns (two SIMD vectors wide). For each
 * step p along the shared dimension the tile loads two vectors of a row of op(B), broadcasts one element
 * of a column of op(A) per row, and issues 2 x rows fused multiply-adds into accumulators that stay in
 * registers. There is no horizontal reduction at all, so short shared dimensions (attention heads of 8
 * or 48, LoRA rank 8) cost no more per flop than long ones. The tile is chosen for the vector width the
 * machine runs ({@link RegisterTile#forVectorBits}).
 *
 * <p>Both operands are first copied ("packed") into the order the tile reads them, which is what lets
 * one routine serve every storage layout without a transposed copy of a whole matrix: op(B) in blocks
 * of nc columns by kc steps (kept in L2, read panel by panel), op(A) one strip of tile rows at a time
 * (kept in L1). kc and nc come from the detected cache sizes ({@link CacheBlocking}). Packed edges are
 * padded with zeros and edge tiles of C go through a small buffer, so the tile never branches.
 *
 * <p>Rounding: each element of C is one chain of fused multiply-adds over p in increasing order,
 * starting from C (accumulate) or zero, whatever the tile, block or thread it falls in. Results
 * therefore do not depend on how {@link Kernels} splits the work, which keeps training bit-for-bit
 * reproducible across thread counts.
 */
final class PackedGemm {

    private static final VectorSpecies<Float> S = VectorWidth.SPECIES;
    private static final int L = S.length();
    /**
     * Packing scatters one vector of a contiguous row into a strided column only where the CPU has a
     * scatter instruction (AVX-512); elsewhere the Vector API would emulate it lane by lane through a
     * boxed vector, slower than the plain loop.
     */
    private static final boolean NATIVE_SCATTER = VectorWidth.bits() >= 512;

    private final RegisterTile tile;
    private final int mr;
    private final int nr;
    private final int kc;
    private final int nc;
    /** Lane l of a scatter goes l * mr (packing A) or l * nr (packing op(B) from B^T) floats further. */
    private final int[] strideMr = new int[L];
    private final int[] strideNr = new int[L];
    /** Per-thread packing buffers, so that concurrent products on the kernel threads never share one. */
    private final ThreadLocal<Buffers> buffers;

    private static final class Buffers {
        final float[] a;
        final float[] b;
        final float[] tile;

        Buffers(int mr, int nr, int kc, int nc) {
            a = new float[mr * kc];
            b = new float[nc * kc];
            tile = new float[mr * nr];
        }
    }

    PackedGemm(RegisterTile tile, CacheBlocking blocking) {
        this.tile = tile;
        this.mr = tile.rows;
        this.nr = tile.columns;
        this.kc = blocking.kc();
        this.nc = blocking.nc();
        if (nc % nr != 0) {
            throw new IllegalArgumentException("nc " + nc + " is not a multiple of the tile's " + nr + " columns");
        }
        for (int l = 0; l < L; l++) {
            strideMr[l] = l * mr;
            strideNr[l] = l * nr;
        }
        buffers = ThreadLocal.withInitial(() -> new Buffers(mr, nr, kc, nc));
    }

    RegisterTile tile() {
        return tile;
    }

    @Override
    public String toString() {
        return tile + " tile, kc " + kc + ", nc " + nc;
    }

    void gemm(boolean transA, boolean transB, float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
              float[] c, int cOff, int ldc, int m, int n, int k, boolean accumulate) {
        if (m <= 0 || n <= 0) {
            return;
        }
        if (k <= 0) {
            if (!accumulate) {
                for (int i = 0; i < m; i++) {
                    java.util.Arrays.fill(c, cOff + i * ldc, cOff + i * ldc + n, 0f);
                }
            }
            return;
        }
        Buffers buf = buffers.get();
        // When B is stored k x n, full panels are read where they lie (row stride ldb) instead of being
        // copied: a copy costs as much as the product when few rows of A share it (LoRA's rank-8 products).
        boolean directB = !transB;
        for (int j0 = 0; j0 < n; j0 += nc) {
            int ncBlock = Math.min(nc, n - j0);
            int panels = (ncBlock + nr - 1) / nr;
            int fullPanels = ncBlock / nr;
            // Equal depths (288 = 1 x 288, 768 = 3 x 256) rather than a full block and a thin remainder.
            int kBlocks = (k + kc - 1) / kc;
            int kStep = (k + kBlocks - 1) / kBlocks;
            for (int p0 = 0; p0 < k; p0 += kStep) {
                int depth = Math.min(kStep, k - p0);
                boolean load = accumulate || p0 > 0;
                if (!directB) {
                    packB(transB, b, bOff, ldb, j0, ncBlock, p0, depth, buf.b);
                } else if (fullPanels < panels) {
                    // Only the ragged last panel needs zero padding; it goes first in the buffer.
                    packB(false, b, bOff, ldb, j0 + fullPanels * nr, ncBlock - fullPanels * nr, p0, depth, buf.b);
                }
                for (int i0 = 0; i0 < m; i0 += mr) {
                    int rows = Math.min(mr, m - i0);
                    packA(transA, a, aOff, lda, i0, rows, p0, depth, buf.a);
                    for (int q = 0; q < panels; q++) {
                        int jq = j0 + q * nr;
                        int cols = Math.min(nr, n - jq);
                        int cIdx = cOff + i0 * ldc + jq;
                        float[] bSrc = buf.b;
                        int bBase = q * depth * nr;
                        int bStride = nr;
                        if (directB) {
                            if (q < fullPanels) {
                                bSrc = b;
                                bBase = bOff + p0 * ldb + jq;
                                bStride = ldb;
                            } else {
                                bBase = 0;
                            }
                        }
                        if (rows == mr && cols == nr) {
                            tile.multiply(buf.a, bSrc, bBase, bStride, depth, c, cIdx, ldc, load);
                        } else {
                            edgeTile(buf, bSrc, bBase, bStride, depth, c, cIdx, ldc, rows, cols, load);
                        }
                    }
                }
            }
        }
    }

    /** bp[q][p][jj] = op(B)(p0 + p, j0 + q*nr + jj), zero beyond column cols. */
    private void packB(boolean transB, float[] b, int bOff, int ldb, int j0, int cols, int p0, int depth, float[] bp) {
        int panels = (cols + nr - 1) / nr;
        for (int q = 0; q < panels; q++) {
            int base = q * depth * nr;
            int width = Math.min(nr, cols - q * nr);
            int jStart = j0 + q * nr;
            if (transB) {
                // B stored n x k: each column of op(B) is a contiguous row of b, read along its length and
                // written nr floats apart into the panel (only this block is reordered, never all of B).
                for (int jj = 0; jj < width; jj++) {
                    scatter(b, bOff + (jStart + jj) * ldb + p0, depth, bp, base + jj, nr, strideNr);
                }
            } else {
                // B stored k x n: each row of the panel is a contiguous run of b.
                for (int p = 0; p < depth; p++) {
                    System.arraycopy(b, bOff + (p0 + p) * ldb + jStart, bp, base + p * nr, width);
                }
            }
            if (width < nr) {
                for (int p = 0; p < depth; p++) {
                    java.util.Arrays.fill(bp, base + p * nr + width, base + (p + 1) * nr, 0f);
                }
            }
        }
    }

    /** ap[p][r] = op(A)(i0 + r, p0 + p), zero beyond row rows. */
    private void packA(boolean transA, float[] a, int aOff, int lda, int i0, int rows, int p0, int depth, float[] ap) {
        if (transA) {
            // A stored k x m (the backward's A^T B): the rows of one step are contiguous. A loop rather
            // than System.arraycopy: the runs are a tile's height, shorter than a call's fixed cost.
            for (int p = 0; p < depth; p++) {
                int src = aOff + (p0 + p) * lda + i0;
                int dst = p * mr;
                for (int r = 0; r < rows; r++) {
                    ap[dst + r] = a[src + r];
                }
            }
        } else {
            // A stored m x k: each row is contiguous and lands mr floats apart.
            for (int r = 0; r < rows; r++) {
                scatter(a, aOff + (i0 + r) * lda + p0, depth, ap, r, mr, strideMr);
            }
        }
        if (rows < mr) {
            for (int p = 0; p < depth; p++) {
                java.util.Arrays.fill(ap, p * mr + rows, (p + 1) * mr, 0f);
            }
        }
    }

    /** dst[dstOff + p*stride] = src[srcOff + p] for p &lt; len; {@code lanes} holds l*stride for each lane l. */
    private static void scatter(float[] src, int srcOff, int len, float[] dst, int dstOff, int stride, int[] lanes) {
        int p = 0;
        if (NATIVE_SCATTER) {
            int upper = len - len % L;
            for (; p < upper; p += L) {
                FloatVector.fromArray(S, src, srcOff + p).intoArray(dst, dstOff + p * stride, lanes, 0);
            }
        }
        for (; p < len; p++) {
            dst[dstOff + p * stride] = src[srcOff + p];
        }
    }

    /** A partial tile: run the full tile on a copy of the valid part of C, then copy it back. */
    private void edgeTile(Buffers buf, float[] bSrc, int bBase, int bStride, int depth, float[] c, int cIdx, int ldc,
                          int rows, int cols, boolean load) {
        float[] part = buf.tile;
        java.util.Arrays.fill(part, 0f);
        if (load) {
            for (int r = 0; r < rows; r++) {
                System.arraycopy(c, cIdx + r * ldc, part, r * nr, cols);
            }
        }
        tile.multiply(buf.a, bSrc, bBase, bStride, depth, part, 0, nr, true);
        for (int r = 0; r < rows; r++) {
            System.arraycopy(part, r * nr, c, cIdx + r * ldc, cols);
        }
    }
}
