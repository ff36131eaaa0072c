package dev.refinery.engine.nn;

import dev.refinery.engine.kernel.Kernels;

/**
 * The SwiGLU gate h = silu(g) * u, elementwise, and its gradient. The sigmoid runs on the kernel
 * (vectorised exp); the rest are plain loops the JIT vectorises.
 */
public final class SwiGlu {

    private SwiGlu() {
    }

    public static void forward(float[] g, float[] u, float[] h, int n) {
        // h holds sigmoid(g) first, then silu(g) * u.
        Kernels.kernel().sigmoid(g, 0, h, 0, n);
        for (int i = 0; i < n; i++) {
            h[i] = g[i] * h[i] * u[i];
        }
    }

    /** Writes dg and du (overwriting) from dh. silu'(g) = sig(g) * (1 + g * (1 - sig(g))). */
    public static void backward(float[] g, float[] u, float[] dh, float[] dg, float[] du, int n) {
        // dg holds sigmoid(g) until it is overwritten with the gradient.
        Kernels.kernel().sigmoid(g, 0, dg, 0, n);
        for (int i = 0; i < n; i++) {
            float gi = g[i];
            float sig = dg[i];
            du[i] = dh[i] * (gi * sig);
            dg[i] = dh[i] * u[i] * sig * (1f + gi * (1f - sig));
        }
    }
}
