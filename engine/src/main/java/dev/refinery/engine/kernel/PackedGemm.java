package dev.refinery.engine.kernel;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * Cache-blocked matrix product in the style of BLIS/GotoBLAS, on the Vector API.
 *
 * <p>C is computed in tiles of {@link #MR} rows by {@link #NR} columns (two SIMD vectors). For each step
 * p along the shared dimension the micro-kernel loads two vectors of a row of op(B), broadcasts MR
 * elements of a column of op(A), and issues 2 x MR fused multiply-adds into sixteen accumulators that
 * stay in registers. There is no horizontal reduction at all, so short shared dimensions (attention
 * heads of 8 or 48, LoRA rank 8) cost no more per flop than long ones.
 *
 * <p>Both operands are first copied ("packed") into the order the micro-kernel reads them, which is
 * what lets one routine serve every storage layout: op(B) in blocks of NC columns by KC steps (kept in
 * L2, read panel by panel), op(A) one MR-row strip at a time (kept in L1). Packed edges are padded with
 * zeros and edge tiles of C go through a small buffer, so the micro-kernel never branches.
 *
 * <p>Rounding: each element of C is one chain of fused multiply-adds over p in increasing order,
 * starting from C (accumulate) or zero, whatever the tile, block or thread it falls in. Results
 * therefore do not depend on how {@link Kernels} splits the work, which keeps training bit-for-bit
 * reproducible across thread counts.
 */
final class PackedGemm {

    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int L = S.length();
    /** Rows of a C tile. 8 rows x 2 vectors = 16 accumulators, half the AVX-512 register file. */
    static final int MR = 8;
    /** Columns of a C tile: two vectors. */
    static final int NR = 2 * L;
    /** Steps along the shared dimension per packed block: an A strip of MR x KC floats is 8 KiB. */
    private static final int KC = 256;
    /** Columns of op(B) per packed block: NC x KC floats = 512 KiB, which stays in a 1 MiB L2. */
    private static final int NC = 512;

    /** Lane l of a scatter goes l * MR floats further: one row of A into its packed column. */
    private static final int[] STRIDE_MR = new int[L];

    static {
        for (int l = 0; l < L; l++) {
            STRIDE_MR[l] = l * MR;
        }
    }

    /** Per-thread packing buffers, so that concurrent products on the kernel threads never share one. */
    private static final ThreadLocal<Buffers> BUFFERS = ThreadLocal.withInitial(Buffers::new);

    private static final class Buffers {
        final float[] a = new float[MR * KC];
        final float[] b = new float[NC * KC];
        final float[] tile = new float[MR * NR];
    }

    private PackedGemm() {
    }

    static void gemm(boolean transA, boolean transB, float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
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
        Buffers buf = BUFFERS.get();
        // When B is stored k x n, full panels are read where they lie (row stride ldb) instead of being
        // copied: a copy costs as much as the product when few rows of A share it (LoRA's rank-8 products).
        boolean directB = !transB;
        for (int j0 = 0; j0 < n; j0 += NC) {
            int nc = Math.min(NC, n - j0);
            int panels = (nc + NR - 1) / NR;
            int fullPanels = nc / NR;
            // Equal depths (288 = 1 x 288, 768 = 2 x 384) rather than a full block and a thin remainder.
            int kBlocks = (k + KC - 1) / KC;
            int kStep = (k + kBlocks - 1) / kBlocks;
            for (int p0 = 0; p0 < k; p0 += kStep) {
                int kc = Math.min(kStep, k - p0);
                boolean load = accumulate || p0 > 0;
                if (!directB) {
                    packB(transB, b, bOff, ldb, j0, nc, p0, kc, buf.b);
                } else if (fullPanels < panels) {
                    // Only the ragged last panel needs zero padding; it goes first in the buffer.
                    packB(false, b, bOff, ldb, j0 + fullPanels * NR, nc - fullPanels * NR, p0, kc, buf.b);
                }
                for (int i0 = 0; i0 < m; i0 += MR) {
                    int mr = Math.min(MR, m - i0);
                    packA(transA, a, aOff, lda, i0, mr, p0, kc, buf.a);
                    for (int q = 0; q < panels; q++) {
                        int jq = j0 + q * NR;
                        int nr = Math.min(NR, n - jq);
                        int cIdx = cOff + i0 * ldc + jq;
                        float[] bSrc = buf.b;
                        int bBase = q * kc * NR;
                        int bStride = NR;
                        if (directB) {
                            if (q < fullPanels) {
                                bSrc = b;
                                bBase = bOff + p0 * ldb + jq;
                                bStride = ldb;
                            } else {
                                bBase = 0;
                            }
                        }
                        if (mr == MR && nr == NR) {
                            micro(buf.a, bSrc, bBase, bStride, kc, c, cIdx, ldc, load);
                        } else {
                            edgeTile(buf, bSrc, bBase, bStride, kc, c, cIdx, ldc, mr, nr, load);
                        }
                    }
                }
            }
        }
    }

    /** bp[q][p][jj] = op(B)(p0 + p, j0 + q*NR + jj), zero beyond column nc. */
    private static void packB(boolean transB, float[] b, int bOff, int ldb, int j0, int nc, int p0, int kc, float[] bp) {
        int panels = (nc + NR - 1) / NR;
        for (int q = 0; q < panels; q++) {
            int base = q * kc * NR;
            int cols = Math.min(NR, nc - q * NR);
            int jStart = j0 + q * NR;
            if (transB) {
                // B stored n x k: each column of op(B) is a contiguous row of b; this is a transpose.
                for (int jj = 0; jj < cols; jj++) {
                    int src = bOff + (jStart + jj) * ldb + p0;
                    for (int p = 0; p < kc; p++) {
                        bp[base + p * NR + jj] = b[src + p];
                    }
                }
            } else {
                // B stored k x n: each row of the panel is a contiguous run of b.
                for (int p = 0; p < kc; p++) {
                    System.arraycopy(b, bOff + (p0 + p) * ldb + jStart, bp, base + p * NR, cols);
                }
            }
            if (cols < NR) {
                for (int p = 0; p < kc; p++) {
                    java.util.Arrays.fill(bp, base + p * NR + cols, base + (p + 1) * NR, 0f);
                }
            }
        }
    }

    /** ap[p][r] = op(A)(i0 + r, p0 + p), zero beyond row mr. */
    private static void packA(boolean transA, float[] a, int aOff, int lda, int i0, int mr, int p0, int kc, float[] ap) {
        if (transA) {
            // A stored k x m: the MR elements of one step are contiguous.
            for (int p = 0; p < kc; p++) {
                int src = aOff + (p0 + p) * lda + i0;
                int dst = p * MR;
                for (int r = 0; r < mr; r++) {
                    ap[dst + r] = a[src + r];
                }
            }
        } else {
            // A stored m x k: each row is contiguous; a vector of it is scattered MR floats apart.
            int upper = kc - kc % L;
            for (int r = 0; r < mr; r++) {
                int src = aOff + (i0 + r) * lda + p0;
                int p = 0;
                for (; p < upper; p += L) {
                    FloatVector.fromArray(S, a, src + p).intoArray(ap, p * MR + r, STRIDE_MR, 0);
                }
                for (; p < kc; p++) {
                    ap[p * MR + r] = a[src + p];
                }
            }
        }
        if (mr < MR) {
            for (int p = 0; p < kc; p++) {
                java.util.Arrays.fill(ap, p * MR + mr, (p + 1) * MR, 0f);
            }
        }
    }

    /** A partial tile: run the full micro-kernel on a copy of the valid part of C, then copy it back. */
    private static void edgeTile(Buffers buf, float[] bSrc, int bBase, int bStride, int kc, float[] c, int cIdx, int ldc,
                                 int mr, int nr, boolean load) {
        float[] tile = buf.tile;
        java.util.Arrays.fill(tile, 0f);
        if (load) {
            for (int r = 0; r < mr; r++) {
                System.arraycopy(c, cIdx + r * ldc, tile, r * NR, nr);
            }
        }
        micro(buf.a, bSrc, bBase, bStride, kc, tile, 0, NR, true);
        for (int r = 0; r < mr; r++) {
            System.arraycopy(tile, r * NR, c, cIdx + r * ldc, nr);
        }
    }

    /**
     * C[0..MR)[0..NR) (+)= ap^T bp over kc steps; C row r starts at c[cIdx + r*ldc], row p of the B panel
     * at bp[bBase + p*bStride].
     */
    private static void micro(float[] ap, float[] bp, int bBase, int bStride, int kc, float[] c, int cIdx, int ldc, boolean load) {
        int c1 = cIdx + ldc;
        int c2 = c1 + ldc;
        int c3 = c2 + ldc;
        int c4 = c3 + ldc;
        int c5 = c4 + ldc;
        int c6 = c5 + ldc;
        int c7 = c6 + ldc;
        FloatVector r00, r01, r10, r11, r20, r21, r30, r31, r40, r41, r50, r51, r60, r61, r70, r71;
        if (load) {
            r00 = FloatVector.fromArray(S, c, cIdx);
            r01 = FloatVector.fromArray(S, c, cIdx + L);
            r10 = FloatVector.fromArray(S, c, c1);
            r11 = FloatVector.fromArray(S, c, c1 + L);
            r20 = FloatVector.fromArray(S, c, c2);
            r21 = FloatVector.fromArray(S, c, c2 + L);
            r30 = FloatVector.fromArray(S, c, c3);
            r31 = FloatVector.fromArray(S, c, c3 + L);
            r40 = FloatVector.fromArray(S, c, c4);
            r41 = FloatVector.fromArray(S, c, c4 + L);
            r50 = FloatVector.fromArray(S, c, c5);
            r51 = FloatVector.fromArray(S, c, c5 + L);
            r60 = FloatVector.fromArray(S, c, c6);
            r61 = FloatVector.fromArray(S, c, c6 + L);
            r70 = FloatVector.fromArray(S, c, c7);
            r71 = FloatVector.fromArray(S, c, c7 + L);
        } else {
            FloatVector z = FloatVector.zero(S);
            r00 = z; r01 = z; r10 = z; r11 = z; r20 = z; r21 = z; r30 = z; r31 = z;
            r40 = z; r41 = z; r50 = z; r51 = z; r60 = z; r61 = z; r70 = z; r71 = z;
        }
        for (int p = 0; p < kc; p++) {
            int bi = bBase + p * bStride;
            int ai = p * MR;
            FloatVector b0 = FloatVector.fromArray(S, bp, bi);
            FloatVector b1 = FloatVector.fromArray(S, bp, bi + L);
            FloatVector x = FloatVector.broadcast(S, ap[ai]);
            r00 = x.fma(b0, r00);
            r01 = x.fma(b1, r01);
            x = FloatVector.broadcast(S, ap[ai + 1]);
            r10 = x.fma(b0, r10);
            r11 = x.fma(b1, r11);
            x = FloatVector.broadcast(S, ap[ai + 2]);
            r20 = x.fma(b0, r20);
            r21 = x.fma(b1, r21);
            x = FloatVector.broadcast(S, ap[ai + 3]);
            r30 = x.fma(b0, r30);
            r31 = x.fma(b1, r31);
            x = FloatVector.broadcast(S, ap[ai + 4]);
            r40 = x.fma(b0, r40);
            r41 = x.fma(b1, r41);
            x = FloatVector.broadcast(S, ap[ai + 5]);
            r50 = x.fma(b0, r50);
            r51 = x.fma(b1, r51);
            x = FloatVector.broadcast(S, ap[ai + 6]);
            r60 = x.fma(b0, r60);
            r61 = x.fma(b1, r61);
            x = FloatVector.broadcast(S, ap[ai + 7]);
            r70 = x.fma(b0, r70);
            r71 = x.fma(b1, r71);
        }
        r00.intoArray(c, cIdx);
        r01.intoArray(c, cIdx + L);
        r10.intoArray(c, c1);
        r11.intoArray(c, c1 + L);
        r20.intoArray(c, c2);
        r21.intoArray(c, c2 + L);
        r30.intoArray(c, c3);
        r31.intoArray(c, c3 + L);
        r40.intoArray(c, c4);
        r41.intoArray(c, c4 + L);
        r50.intoArray(c, c5);
        r51.intoArray(c, c5 + L);
        r60.intoArray(c, c6);
        r61.intoArray(c, c6 + L);
        r70.intoArray(c, c7);
        r71.intoArray(c, c7 + L);
    }
}
