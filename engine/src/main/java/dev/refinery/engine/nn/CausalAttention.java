package dev.refinery.engine.nn;

import dev.refinery.engine.kernel.Kernels;
import dev.refinery.engine.kernel.MatrixKernel;
import dev.refinery.engine.model.ModelConfig;

import java.util.List;

/**
 * Causal grouped-query attention over the segments of a flattened batch, for training and scoring.
 *
 * <p>The forward pass keeps only the log-sum-exp of each score row; the backward pass recomputes the
 * probabilities from it rather than storing a T x T matrix per head and layer, which keeps training
 * memory linear in the sequence length. Work is split by (segment, key/value head) so that the
 * query heads sharing a K/V head accumulate their K/V gradients without races.
 *
 * <p>Scores are computed in blocks of {@link #ROW_BLOCK} query rows, each against only the keys at or
 * before its last row: the masked upper triangle is never multiplied, which saves close to half the
 * work at 256 tokens. Every product reads q, k, v in place; the score matrices live in per-thread
 * scratch buffers reused from call to call.
 */
public final class CausalAttention {

    /** Query rows per score block: a multiple of the kernel's tile height, small enough to skip most of the mask. */
    private static final int ROW_BLOCK = 64;

    private final int nHeads;
    private final int nKvHeads;
    private final int headDim;
    private final int group;
    private final int qDim;
    private final int kvDim;
    private final float scale;

    /** Score-sized scratch of one kernel thread; grows to the longest segment seen. */
    private static final class Scratch {
        float[] p = new float[0];
        float[] dp = new float[0];

        void ensure(int len) {
            if (p.length < len * len) {
                p = new float[len * len];
                dp = new float[len * len];
            }
        }
    }

    private static final ThreadLocal<Scratch> SCRATCH = ThreadLocal.withInitial(Scratch::new);

    public CausalAttention(ModelConfig c) {
        this.nHeads = c.nHeads();
        this.nKvHeads = c.nKvHeads();
        this.headDim = c.headDim();
        this.group = c.groupSize();
        this.qDim = c.qDim();
        this.kvDim = c.kvDim();
        this.scale = (float) (1.0 / Math.sqrt(headDim));
    }

    /** out[t] = softmax(q_t K^T / sqrt(d)) V over the earlier tokens of t's segment; lse is [tokens, heads]. */
    public void forward(float[] q, float[] k, float[] v, List<Segment> segments, float[] out, float[] lse) {
        int tasks = segments.size() * nKvHeads;
        Kernels.parallelFor(tasks, task -> {
            Segment seg = segments.get(task / nKvHeads);
            int kvh = task % nKvHeads;
            int len = seg.length();
            int s0 = seg.start();
            Scratch scratch = SCRATCH.get();
            scratch.ensure(len);
            float[] p = scratch.p;
            MatrixKernel kernel = Kernels.kernel();
            int kOff = s0 * kvDim + kvh * headDim;
            for (int g = 0; g < group; g++) {
                int h = kvh * group + g;
                int qOff = s0 * qDim + h * headDim;
                for (int i0 = 0; i0 < len; i0 += ROW_BLOCK) {
                    int i1 = Math.min(len, i0 + ROW_BLOCK);
                    // S[i0:i1, 0:i1] = Q K^T, then softmax row by row, then O[i0:i1] = P V[0:i1].
                    kernel.gemm(false, true, q, qOff + i0 * qDim, qDim, k, kOff, kvDim, p, i0 * len, len, i1 - i0, i1, headDim, false);
                    for (int t = i0; t < i1; t++) {
                        lse[(s0 + t) * nHeads + h] = softmaxCausalRow(kernel, p, t * len, t + 1, i1);
                    }
                    kernel.gemm(false, false, p, i0 * len, len, v, kOff, kvDim, out, qOff + i0 * qDim, qDim, i1 - i0, headDim, i1, false);
                }
            }
        });
    }

    /**
     * Accumulates dq, dk, dv from dOut. Needs the forward inputs q, k, v (after RoPE), the output and the lse.
     */
    public void backward(float[] q, float[] k, float[] v, float[] out, float[] lse, float[] dOut, List<Segment> segments,
                         float[] dq, float[] dk, float[] dv) {
        int tasks = segments.size() * nKvHeads;
        Kernels.parallelFor(tasks, task -> {
            Segment seg = segments.get(task / nKvHeads);
            int kvh = task % nKvHeads;
            int len = seg.length();
            int s0 = seg.start();
            MatrixKernel kernel = Kernels.kernel();
            Scratch scratch = SCRATCH.get();
            scratch.ensure(len);
            float[] p = scratch.p;
            float[] dp = scratch.dp;
            int kOff = s0 * kvDim + kvh * headDim;
            for (int g = 0; g < group; g++) {
                int h = kvh * group + g;
                int qOff = s0 * qDim + h * headDim;
                for (int i0 = 0; i0 < len; i0 += ROW_BLOCK) {
                    int i1 = Math.min(len, i0 + ROW_BLOCK);
                    int rows = i1 - i0;
                    // Recompute probabilities from the saved log-sum-exp.
                    kernel.gemm(false, true, q, qOff + i0 * qDim, qDim, k, kOff, kvDim, p, i0 * len, len, rows, i1, headDim, false);
                    // dP = dO V^T
                    kernel.gemm(false, true, dOut, qOff + i0 * qDim, qDim, v, kOff, kvDim, dp, i0 * len, len, rows, i1, headDim, false);
                    for (int t = i0; t < i1; t++) {
                        int row = t * len;
                        float m = lse[(s0 + t) * nHeads + h];
                        // dS = P * (dP - rowsum(P * dP)) * scale, and rowsum(P * dP) = dO . O.
                        float d = kernel.dot(dOut, qOff + t * qDim, out, qOff + t * qDim, headDim);
                        kernel.scale(p, row, t + 1, scale);
                        kernel.expShifted(p, row, t + 1, m);
                        for (int s = 0; s <= t; s++) {
                            dp[row + s] = p[row + s] * (dp[row + s] - d) * scale;
                        }
                        java.util.Arrays.fill(p, row + t + 1, row + i1, 0f);
                        java.util.Arrays.fill(dp, row + t + 1, row + i1, 0f);
                    }
                    // dQ[i0:i1] += dS[i0:i1, 0:i1] K[0:i1]
                    kernel.gemm(false, false, dp, i0 * len, len, k, kOff, kvDim, dq, qOff + i0 * qDim, qDim, rows, headDim, i1, true);
                }
                // Keys and values of rows j0..j1 get gradient only from queries at or after j0.
                for (int j0 = 0; j0 < len; j0 += ROW_BLOCK) {
                    int j1 = Math.min(len, j0 + ROW_BLOCK);
                    int depth = len - j0;
                    // dK[j0:j1] += dS[j0:len, j0:j1]^T Q[j0:len]
                    kernel.gemm(true, false, dp, j0 * len + j0, len, q, qOff + j0 * qDim, qDim, dk, kOff + j0 * kvDim, kvDim,
                            j1 - j0, headDim, depth, true);
                    // dV[j0:j1] += P[j0:len, j0:j1]^T dO[j0:len]
                    kernel.gemm(true, false, p, j0 * len + j0, len, dOut, qOff + j0 * qDim, qDim, dv, kOff + j0 * kvDim, kvDim,
                            j1 - j0, headDim, depth, true);
                }
            }
        });
    }

    /**
     * Scales, masks and normalises row entries [0, valid) in place; zeroes the rest up to {@code end};
     * returns the log-sum-exp.
     */
    private float softmaxCausalRow(MatrixKernel kernel, float[] p, int row, int valid, int end) {
        kernel.scale(p, row, valid, scale);
        float max = kernel.max(p, row, valid);
        float sum = kernel.expShifted(p, row, valid, max);
        kernel.scale(p, row, valid, 1f / sum);
        java.util.Arrays.fill(p, row + valid, row + end, 0f);
        return max + (float) Math.log(sum);
    }
}
