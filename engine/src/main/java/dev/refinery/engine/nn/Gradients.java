package dev.refinery.engine.nn;

import dev.refinery.engine.model.Tensor;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * Gradient buffers of the trainable tensors. A tensor that is not registered here is frozen: the
 * backward pass computes no gradient for it.
 */
public final class Gradients {

    private final Map<Tensor, float[]> grads = new IdentityHashMap<>();
    private final List<Tensor> order = new ArrayList<>();

    public Gradients(List<Tensor> trainable) {
        for (Tensor t : trainable) {
            if (t != null && !grads.containsKey(t)) {
                grads.put(t, new float[t.size()]);
                order.add(t);
            }
        }
    }

    /** The gradient array of a tensor, or null when it is frozen (or absent). */
    public float[] of(Tensor t) {
        return t == null ? null : grads.get(t);
    }

    /** Trainable tensors in registration order (the optimizer and checkpoints rely on it). */
    public List<Tensor> tensors() {
        return order;
    }

    public void zero() {
        for (float[] g : grads.values()) {
            Arrays.fill(g, 0f);
        }
    }

    /** Global L2 norm over every gradient. */
    public double norm() {
        double s = 0;
        for (float[] g : grads.values()) {
            for (float v : g) {
                s += (double) v * v;
            }
        }
        return Math.sqrt(s);
    }

    public void scale(float factor) {
        for (float[] g : grads.values()) {
            for (int i = 0; i < g.length; i++) {
                g[i] *= factor;
            }
        }
    }

    /** True when every gradient value is finite. */
    public boolean allFinite() {
        for (float[] g : grads.values()) {
            for (float v : g) {
                if (!Float.isFinite(v)) {
                    return false;
                }
            }
        }
        return true;
    }
}
