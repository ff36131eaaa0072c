package dev.refinery.engine.nn;

import dev.refinery.engine.model.ModelConfig;
import dev.refinery.engine.model.RopeStyle;
import dev.refinery.engine.model.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.util.List;
import java.util.SplittableRandom;
import java.util.function.Function;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Each backward pass on its own, against central finite differences of L = sum(r * y) for a fixed
 * random r (so dL/dy = r).
 */
class OpGradientTest {

    private static final SplittableRandom RND = new SplittableRandom(2024);

    @Test
    void rmsNorm() {
        int rows = 3;
        int dim = 7;
        float[] x = random(rows * dim, 1f);
        float[] w = random(dim, 1f);
        float[] r = random(rows * dim, 1f);
        float[] inv = new float[rows];
        float[] dx = new float[rows * dim];
        float[] dw = new float[dim];
        RmsNorm.forward(x, w, 1e-5f, new float[rows * dim], inv, rows, dim);
        RmsNorm.backward(x, w, inv, r, dx, dw, rows, dim);
        Function<float[], float[]> f = in -> {
            float[] y = new float[rows * dim];
            RmsNorm.forward(x, w, 1e-5f, y, null, rows, dim);
            return y;
        };
        assertMatches("rmsnorm dx", x, dx, r, f);
        assertMatches("rmsnorm dw", w, dw, r, f);
    }

    @Test
    void swiGlu() {
        int n = 20;
        float[] g = random(n, 3f);
        float[] u = random(n, 1f);
        float[] r = random(n, 1f);
        float[] dg = new float[n];
        float[] du = new float[n];
        SwiGlu.backward(g, u, r, dg, du, n);
        Function<float[], float[]> f = in -> {
            float[] h = new float[n];
            SwiGlu.forward(g, u, h, n);
            return h;
        };
        assertMatches("swiglu dg", g, dg, r, f);
        assertMatches("swiglu du", u, du, r, f);
    }

    @ParameterizedTest
    @EnumSource(RopeStyle.class)
    void rope(RopeStyle style) {
        Rope rope = new Rope(8, 16, 10000f, style);
        float[] x = random(16, 1f);
        float[] r = random(16, 1f);
        float[] d = r.clone();
        rope.rotateBack(d, 0, 2, 5);
        Function<float[], float[]> f = in -> {
            float[] y = x.clone();
            rope.rotate(y, 0, 2, 5);
            return y;
        };
        assertMatches("rope " + style, x, d, r, f);
    }

    @Test
    void groupedQueryAttentionOverTwoSegments() {
        ModelConfig c = new ModelConfig("t", 8, 8, 1, 4, 2, 2, 8, 16, 1e-5f, 10000f, RopeStyle.HALF, true, false);
        CausalAttention att = new CausalAttention(c);
        List<Segment> segs = List.of(new Segment(0, 4), new Segment(4, 3));
        int n = 7;
        float[] q = random(n * c.qDim(), 1f);
        float[] k = random(n * c.kvDim(), 1f);
        float[] v = random(n * c.kvDim(), 1f);
        float[] out = new float[n * c.qDim()];
        float[] lse = new float[n * c.nHeads()];
        att.forward(q, k, v, segs, out, lse);
        float[] r = random(out.length, 1f);
        float[] dq = new float[q.length];
        float[] dk = new float[k.length];
        float[] dv = new float[v.length];
        att.backward(q, k, v, out, lse, r, segs, dq, dk, dv);
        Function<float[], float[]> f = in -> {
            float[] o = new float[n * c.qDim()];
            att.forward(q, k, v, segs, o, new float[n * c.nHeads()]);
            return o;
        };
        assertMatches("attention dq", q, dq, r, f);
        assertMatches("attention dk", k, dk, r, f);
        assertMatches("attention dv", v, dv, r, f);
    }

    @Test
    void linearWithBiasAndLora() {
        int rows = 5;
        int in = 6;
        int out = 4;
        int rank = 2;
        Tensor w = new Tensor("w", new int[] {out, in}, random(out * in, 1f));
        Tensor b = new Tensor("b", new int[] {out}, random(out, 1f));
        Tensor a = new Tensor("a", new int[] {rank, in}, random(rank * in, 1f));
        Tensor bb = new Tensor("bb", new int[] {out, rank}, random(out * rank, 1f));
        Linear lin = new Linear(w, b, a, bb, 1.5f, 0f);
        float[] x = random(rows * in, 1f);
        float[] r = random(rows * out, 1f);
        Linear.Saved s = lin.forward(x, rows, new float[rows * out], true, 1L);
        float[] dx = new float[x.length];
        float[] dw = new float[w.size()];
        float[] db = new float[b.size()];
        float[] da = new float[a.size()];
        float[] dbb = new float[bb.size()];
        lin.backward(s, r, dx, dw, db, da, dbb);
        Function<float[], float[]> f = ignored -> {
            float[] y = new float[rows * out];
            lin.forward(x, rows, y, true, 1L);
            return y;
        };
        assertMatches("linear dx", x, dx, r, f);
        assertMatches("linear dW", w.data(), dw, r, f);
        assertMatches("linear db", b.data(), db, r, f);
        assertMatches("linear dA", a.data(), da, r, f);
        assertMatches("linear dB", bb.data(), dbb, r, f);
    }

    /** Perturbs every entry of {@code param} (in place, restored) and compares with {@code analytic}. */
    private static void assertMatches(String label, float[] param, float[] analytic, float[] r, Function<float[], float[]> f) {
        float eps = 1e-2f;
        for (int i = 0; i < param.length; i++) {
            float orig = param[i];
            param[i] = orig + eps;
            double up = dot(r, f.apply(param));
            param[i] = orig - eps;
            double down = dot(r, f.apply(param));
            param[i] = orig;
            double numeric = (up - down) / (2 * eps);
            assertTrue(Math.abs(numeric - analytic[i]) <= 2e-3 + 2e-2 * Math.abs(numeric),
                    label + "[" + i + "]: analytic " + analytic[i] + " vs numeric " + numeric);
        }
    }

    private static double dot(float[] a, float[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) {
            s += (double) a[i] * b[i];
        }
        return s;
    }

    private static float[] random(int n, float scale) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = (float) ((RND.nextDouble() * 2 - 1) * scale);
        }
        return v;
    }
}
