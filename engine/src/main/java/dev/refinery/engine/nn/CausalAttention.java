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
 */
public final class CausalAttention {

    private final int nHeads;
    private final int nKvHeads;
    private final int headDim;
    private final int group;
    private final int qDim;
    private final int kvDim;
    private final float scale;

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
            float[] p = new float[len * len];
            float[] vt = new float[headDim * len];
            MatrixKernel kernel = Kernels.kernel();
            Matrices.transpose(v, seg.start() * kvDim + kvh * headDim, kvDim, vt, 0, len, len, headDim);
            for (int g = 0; g < group; g++) {
                int h = kvh * group + g;
                int qOff = seg.start() * qDim + h * headDim;
                kernel.matmulTransB(q, qOff, qDim, k, seg.start() * kvDim + kvh * headDim, kvDim, p, 0, len, len, len, headDim, false);
                for (int t = 0; t < len; t++) {
                    lse[(seg.start() + t) * nHeads + h] = softmaxCausalRow(p, t * len, t + 1, len);
                }
                kernel.matmulTransB(p, 0, len, vt, 0, len, out, qOff, qDim, len, headDim, len, false);
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
            float[] p = new float[len * len];
            float[] dp = new float[len * len];
            float[] t1 = new float[len * len];
            float[] kt = new float[headDim * len];
            float[] qt = new float[headDim * len];
            float[] dot = new float[headDim * len];
            int kOff = s0 * kvDim + kvh * headDim;
            Matrices.transpose(k, kOff, kvDim, kt, 0, len, len, headDim);
            for (int g = 0; g < group; g++) {
                int h = kvh * group + g;
                int qOff = s0 * qDim + h * headDim;
                // Recompute probabilities from the saved log-sum-exp.
                kernel.matmulTransB(q, qOff, qDim, k, kOff, kvDim, p, 0, len, len, len, headDim, false);
                for (int t = 0; t < len; t++) {
                    float m = lse[(s0 + t) * nHeads + h];
                    int row = t * len;
                    for (int s = 0; s <= t; s++) {
                        p[row + s] = (float) Math.exp(p[row + s] * scale - m);
                    }
                    java.util.Arrays.fill(p, row + t + 1, row + len, 0f);
                }
                // dP = dO V^T; dS = P * (dP - rowsum(P * dP)) * scale.
                kernel.matmulTransB(dOut, qOff, qDim, v, kOff, kvDim, dp, 0, len, len, len, headDim, false);
                for (int t = 0; t < len; t++) {
                    int row = t * len;
                    float d = kernel.dot(dOut, qOff + t * qDim, out, qOff + t * qDim, headDim);
                    for (int s = 0; s <= t; s++) {
                        dp[row + s] = p[row + s] * (dp[row + s] - d) * scale;
                    }
                    java.util.Arrays.fill(dp, row + t + 1, row + len, 0f);
                }
                // dQ += dS K
                kernel.matmulTransB(dp, 0, len, kt, 0, len, dq, qOff, qDim, len, headDim, len, true);
                // dK += dS^T Q
                Matrices.transpose(dp, 0, len, t1, 0, len, len, len);
                Matrices.transpose(q, qOff, qDim, qt, 0, len, len, headDim);
                kernel.matmulTransB(t1, 0, len, qt, 0, len, dk, kOff, kvDim, len, headDim, len, true);
                // dV += P^T dO
                Matrices.transpose(p, 0, len, t1, 0, len, len, len);
                Matrices.transpose(dOut, qOff, qDim, dot, 0, len, len, headDim);
                kernel.matmulTransB(t1, 0, len, dot, 0, len, dv, kOff, kvDim, len, headDim, len, true);
            }
        });
    }

    /** Scales, masks and normalises row entries [0, valid) in place; zeroes the rest; returns the log-sum-exp. */
    private float softmaxCausalRow(float[] p, int row, int valid, int len) {
        float max = Float.NEGATIVE_INFINITY;
        for (int s = 0; s < valid; s++) {
            float x = p[row + s] * scale;
            p[row + s] = x;
            if (x > max) {
                max = x;
            }
        }
        float sum = 0f;
        for (int s = 0; s < valid; s++) {
            float e = (float) Math.exp(p[row + s] - max);
            p[row + s] = e;
            sum += e;
        }
        float inv = 1f / sum;
        for (int s = 0; s < valid; s++) {
            p[row + s] *= inv;
        }
        java.util.Arrays.fill(p, row + valid, row + len, 0f);
        return max + (float) Math.log(sum);
    }
}
