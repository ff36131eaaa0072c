package dev.refinery.engine.nn;

import dev.refinery.engine.kernel.Kernels;
import dev.refinery.engine.model.Tensor;

import java.util.SplittableRandom;

/**
 * One projection y = x W^T + b + s * dropout(x) A^T B^T (the LoRA term is present only when A and B
 * are). All rows of a batch go through one matrix product.
 *
 * <p>Gradients: dx += dy W (+ LoRA path), and, for trainable tensors, dW += dy^T x, dA, dB. Each
 * product is written in the kernel's A x B^T form; the transposes that needs are cheap next to the
 * products themselves, and the transpose of a frozen W is computed once and reused.
 */
public final class Linear {

    private final Tensor weight;
    private final Tensor bias;
    private final Tensor loraA;
    private final Tensor loraB;
    private final float loraScale;
    private final float dropout;
    private final int in;
    private final int out;
    private final int rank;
    private float[] weightT;

    public Linear(Tensor weight, Tensor bias, Tensor loraA, Tensor loraB, float loraScale, float dropout) {
        this.weight = weight;
        this.bias = bias;
        this.loraA = loraA;
        this.loraB = loraB;
        this.loraScale = loraScale;
        this.dropout = dropout;
        this.out = weight.dim(0);
        this.in = weight.dim(1);
        this.rank = loraA == null ? 0 : loraA.dim(0);
    }

    public int in() {
        return in;
    }

    public int out() {
        return out;
    }

    public boolean hasLora() {
        return loraA != null;
    }

    /** What the backward pass needs from one forward call. */
    public static final class Saved {
        float[] x;
        float[] dropped;
        float[] ax;
        int rows;
        long dropoutSeed;
    }

    /**
     * y = projection of x for {@code rows} rows. {@code dropoutSeed} drives the LoRA dropout mask (ignored
     * when dropout is 0 or {@code training} is false). Returns what backward needs; x is kept by reference.
     */
    public Saved forward(float[] x, int rows, float[] y, boolean training, long dropoutSeed) {
        Kernels.matmulTransB(x, 0, in, weight.data(), 0, in, y, 0, out, rows, out, in, false);
        if (bias != null) {
            float[] b = bias.data();
            for (int r = 0; r < rows; r++) {
                int o = r * out;
                for (int j = 0; j < out; j++) {
                    y[o + j] += b[j];
                }
            }
        }
        Saved saved = new Saved();
        saved.x = x;
        saved.rows = rows;
        if (loraA != null) {
            float[] xd = x;
            if (training && dropout > 0f) {
                xd = applyDropout(x, rows * in, dropoutSeed);
            }
            float[] ax = new float[rows * rank];
            Kernels.matmulTransB(xd, 0, in, loraA.data(), 0, in, ax, 0, rank, rows, rank, in, false);
            float[] bScaled = scaled(loraB.data(), loraScale);
            Kernels.matmulTransB(ax, 0, rank, bScaled, 0, rank, y, 0, out, rows, out, rank, true);
            saved.dropped = xd;
            saved.ax = ax;
            saved.dropoutSeed = dropoutSeed;
        }
        return saved;
    }

    private float[] applyDropout(float[] x, int n, long seed) {
        SplittableRandom rnd = new SplittableRandom(seed);
        float keep = 1f / (1f - dropout);
        float[] d = new float[n];
        for (int i = 0; i < n; i++) {
            d[i] = rnd.nextDouble() < dropout ? 0f : x[i] * keep;
        }
        return d;
    }

    private static float[] scaled(float[] v, float s) {
        float[] r = new float[v.length];
        for (int i = 0; i < v.length; i++) {
            r[i] = v[i] * s;
        }
        return r;
    }

    /**
     * Backward pass. Adds to dx (may be null when the input needs no gradient) and to the gradient
     * arrays of trainable tensors (null when frozen).
     */
    public void backward(Saved s, float[] dy, float[] dx, float[] dWeight, float[] dBias, float[] dA, float[] dB) {
        int rows = s.rows;
        if (dx != null) {
            Kernels.matmulTransB(dy, 0, out, transposedWeight(dWeight != null), 0, out, dx, 0, in, rows, in, out, true);
        }
        float[] dyT = null;
        if (dWeight != null || dB != null) {
            dyT = Matrices.transposed(dy, rows, out);
        }
        if (dWeight != null) {
            float[] xT = Matrices.transposed(s.x, rows, in);
            Kernels.matmulTransB(dyT, 0, rows, xT, 0, rows, dWeight, 0, in, out, in, rows, true);
        }
        if (dBias != null) {
            for (int r = 0; r < rows; r++) {
                for (int j = 0; j < out; j++) {
                    dBias[j] += dy[r * out + j];
                }
            }
        }
        if (loraA != null && (dA != null || dx != null)) {
            loraBackward(s, dy, dyT, dx, dA, dB);
        }
    }

    private void loraBackward(Saved s, float[] dy, float[] dyT, float[] dx, float[] dA, float[] dB) {
        int rows = s.rows;
        if (dB != null) {
            // dB += scale * dy^T (xd A^T)
            float[] axT = Matrices.transposed(s.ax, rows, rank);
            float[] g = new float[out * rank];
            Kernels.matmulTransB(dyT, 0, rows, axT, 0, rows, g, 0, rank, out, rank, rows, false);
            for (int i = 0; i < g.length; i++) {
                dB[i] += loraScale * g[i];
            }
        }
        // dax = scale * dy B
        float[] bT = Matrices.transposed(loraB.data(), out, rank);
        float[] dax = new float[rows * rank];
        Kernels.matmulTransB(dy, 0, out, bT, 0, out, dax, 0, rank, rows, rank, out, false);
        for (int i = 0; i < dax.length; i++) {
            dax[i] *= loraScale;
        }
        if (dA != null) {
            float[] daxT = Matrices.transposed(dax, rows, rank);
            float[] xdT = Matrices.transposed(s.dropped, rows, in);
            Kernels.matmulTransB(daxT, 0, rows, xdT, 0, rows, dA, 0, in, rank, in, rows, true);
        }
        if (dx != null) {
            float[] aT = Matrices.transposed(loraA.data(), rank, in);
            float[] dxd = new float[rows * in];
            Kernels.matmulTransB(dax, 0, rank, aT, 0, rank, dxd, 0, in, rows, in, rank, false);
            if (s.dropped != s.x) {
                // Dropout's gradient passes only where the mask kept the input, scaled like the forward;
                // the mask is regenerated from its seed rather than stored.
                SplittableRandom rnd = new SplittableRandom(s.dropoutSeed);
                float keep = 1f / (1f - dropout);
                for (int i = 0; i < dxd.length; i++) {
                    boolean droppedOut = rnd.nextDouble() < dropout;
                    dx[i] += droppedOut ? 0f : dxd[i] * keep;
                }
            } else {
                for (int i = 0; i < dxd.length; i++) {
                    dx[i] += dxd[i];
                }
            }
        }
    }

    /** W^T; cached while W is frozen, recomputed when W is being trained (it changes every step). */
    private float[] transposedWeight(boolean trainable) {
        if (trainable) {
            return Matrices.transposed(weight.data(), out, in);
        }
        if (weightT == null) {
            weightT = Matrices.transposed(weight.data(), out, in);
        }
        return weightT;
    }
}
