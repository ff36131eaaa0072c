package dev.refinery.engine.nn;

import dev.refinery.engine.kernel.Kernels;
import dev.refinery.engine.model.Tensor;

import java.util.SplittableRandom;

/**
 * One projection y = x W^T + b + s * dropout(x) A^T B^T (the LoRA term is present only when A and B
 * are). All rows of a batch go through one matrix product.
 *
 * <p>Gradients: dx += dy W (+ LoRA path), and, for trainable tensors, dW += dy^T x, dA, dB.
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
     * arrays of trainable tensors (null when frozen). Every product reads its operands where they lie
     * (the kernel takes either storage order), so nothing is transposed or copied.
     */
    public void backward(Saved s, float[] dy, float[] dx, float[] dWeight, float[] dBias, float[] dA, float[] dB) {
        int rows = s.rows;
        if (dx != null) {
            // dx += dy W
            Kernels.matmul(dy, 0, out, weight.data(), 0, in, dx, 0, in, rows, in, out, true);
        }
        if (dWeight != null) {
            // dW += dy^T x
            Kernels.matmulTransA(dy, 0, out, s.x, 0, in, dWeight, 0, in, out, in, rows, true);
        }
        if (dBias != null) {
            for (int r = 0; r < rows; r++) {
                for (int j = 0; j < out; j++) {
                    dBias[j] += dy[r * out + j];
                }
            }
        }
        if (loraA != null && (dA != null || dx != null)) {
            loraBackward(s, dy, dx, dA, dB);
        }
    }

    private void loraBackward(Saved s, float[] dy, float[] dx, float[] dA, float[] dB) {
        int rows = s.rows;
        if (dB != null) {
            // dB += scale * dy^T (xd A^T), computed as its transpose (ax)^T dy: rank rows of C instead of
            // rank columns keeps the product on the kernel's full-width tiles.
            float[] gT = new float[rank * out];
            Kernels.matmulTransA(s.ax, 0, rank, dy, 0, out, gT, 0, out, rank, out, rows, false);
            for (int j = 0; j < out; j++) {
                for (int r = 0; r < rank; r++) {
                    dB[j * rank + r] += loraScale * gT[r * out + j];
                }
            }
        }
        // dax = scale * dy B, as dy (B^T)^T so that both operands run along out (a product with rank columns).
        float[] bT = Matrices.transposed(loraB.data(), out, rank);
        float[] dax = new float[rows * rank];
        Kernels.matmulTransB(dy, 0, out, bT, 0, out, dax, 0, rank, rows, rank, out, false);
        for (int i = 0; i < dax.length; i++) {
            dax[i] *= loraScale;
        }
        if (dA != null) {
            // dA += dax^T xd
            Kernels.matmulTransA(dax, 0, rank, s.dropped, 0, in, dA, 0, in, rank, in, rows, true);
        }
        if (dx == null) {
            return;
        }
        if (s.dropped == s.x) {
            // dx += dax A
            Kernels.matmul(dax, 0, rank, loraA.data(), 0, in, dx, 0, in, rows, in, rank, true);
            return;
        }
        float[] dxd = new float[rows * in];
        Kernels.matmul(dax, 0, rank, loraA.data(), 0, in, dxd, 0, in, rows, in, rank, false);
        // Dropout's gradient passes only where the mask kept the input, scaled like the forward;
        // the mask is regenerated from its seed rather than stored.
        SplittableRandom rnd = new SplittableRandom(s.dropoutSeed);
        float keep = 1f / (1f - dropout);
        for (int i = 0; i < dxd.length; i++) {
            boolean droppedOut = rnd.nextDouble() < dropout;
            dx[i] += droppedOut ? 0f : dxd[i] * keep;
        }
    }
}
