package dev.refinery.engine.train;

import dev.refinery.engine.model.Tensor;
import dev.refinery.engine.nn.Gradients;

import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * Adam with decoupled weight decay (Loshchilov and Hutter). Decay applies to matrices only, not to
 * norm weights or biases, as common fine-tuning recipes do.
 */
public final class AdamW {

    private final float beta1;
    private final float beta2;
    private final float eps;
    private final float weightDecay;
    private final Map<Tensor, float[]> m = new IdentityHashMap<>();
    private final Map<Tensor, float[]> v = new IdentityHashMap<>();
    private int steps;

    public AdamW(List<Tensor> params, float weightDecay) {
        this(params, 0.9f, 0.999f, 1e-8f, weightDecay);
    }

    public AdamW(List<Tensor> params, float beta1, float beta2, float eps, float weightDecay) {
        this.beta1 = beta1;
        this.beta2 = beta2;
        this.eps = eps;
        this.weightDecay = weightDecay;
        for (Tensor p : params) {
            m.put(p, new float[p.size()]);
            v.put(p, new float[p.size()]);
        }
    }

    public int steps() {
        return steps;
    }

    /** First moment of a parameter (exposed for checkpoints). */
    public float[] firstMoment(Tensor p) {
        return m.get(p);
    }

    /** Second moment of a parameter (exposed for checkpoints). */
    public float[] secondMoment(Tensor p) {
        return v.get(p);
    }

    /** Restores the step counter when resuming from a checkpoint. */
    public void restoreSteps(int n) {
        this.steps = n;
    }

    public void step(Gradients grads, double lr) {
        steps++;
        double bc1 = 1.0 - Math.pow(beta1, steps);
        double bc2 = 1.0 - Math.pow(beta2, steps);
        float stepSize = (float) (lr / bc1);
        float bc2Sqrt = (float) Math.sqrt(bc2);
        for (Tensor p : grads.tensors()) {
            float[] w = p.data();
            float[] g = grads.of(p);
            float[] mm = m.get(p);
            float[] vv = v.get(p);
            float decay = p.rank() >= 2 ? (float) (lr * weightDecay) : 0f;
            for (int i = 0; i < w.length; i++) {
                float gi = g[i];
                mm[i] = beta1 * mm[i] + (1 - beta1) * gi;
                vv[i] = beta2 * vv[i] + (1 - beta2) * gi * gi;
                float denom = (float) Math.sqrt(vv[i]) / bc2Sqrt + eps;
                w[i] -= decay * w[i] + stepSize * mm[i] / denom;
            }
        }
    }
}
