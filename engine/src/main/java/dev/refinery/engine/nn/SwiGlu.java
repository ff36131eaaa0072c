package dev.refinery.engine.nn;

/** The SwiGLU gate h = silu(g) * u, elementwise, and its gradient. */
public final class SwiGlu {

    private SwiGlu() {
    }

    public static void forward(float[] g, float[] u, float[] h, int n) {
        for (int i = 0; i < n; i++) {
            float gi = g[i];
            float silu = gi / (1f + (float) Math.exp(-gi));
            h[i] = silu * u[i];
        }
    }

    /** Writes dg and du (overwriting) from dh. silu'(g) = sig(g) * (1 + g * (1 - sig(g))). */
    public static void backward(float[] g, float[] u, float[] dh, float[] dg, float[] du, int n) {
        for (int i = 0; i < n; i++) {
            float gi = g[i];
            float sig = 1f / (1f + (float) Math.exp(-gi));
            float silu = gi * sig;
            du[i] = dh[i] * silu;
            dg[i] = dh[i] * u[i] * sig * (1f + gi * (1f - sig));
        }
    }
}
