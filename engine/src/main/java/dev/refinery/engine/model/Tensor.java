package dev.refinery.engine.model;

import java.util.Arrays;

/**
 * A named, dense float32 array in row-major order. Matrices are stored [out, in] like PyTorch's
 * {@code nn.Linear.weight}, so a row is one output feature.
 */
public final class Tensor {

    private final String name;
    private final int[] shape;
    private final float[] data;

    public Tensor(String name, int[] shape, float[] data) {
        long expected = elementCount(shape);
        if (expected != data.length) {
            throw new dev.refinery.engine.EngineException.ShapeMismatch(
                    "tensor " + name + " has shape " + Arrays.toString(shape) + " (" + expected
                            + " elements) but " + data.length + " values");
        }
        this.name = name;
        this.shape = shape.clone();
        this.data = data;
    }

    public static Tensor zeros(String name, int... shape) {
        return new Tensor(name, shape, new float[Math.toIntExact(elementCount(shape))]);
    }

    public static long elementCount(int[] shape) {
        long n = 1;
        for (int d : shape) {
            n *= d;
        }
        return n;
    }

    public String name() {
        return name;
    }

    public int[] shape() {
        return shape.clone();
    }

    public int rank() {
        return shape.length;
    }

    public int dim(int i) {
        return shape[i];
    }

    /** The backing array; callers share it on purpose (weights are large and updated in place). */
    public float[] data() {
        return data;
    }

    public int size() {
        return data.length;
    }

    public Tensor copy(String newName) {
        return new Tensor(newName, shape, data.clone());
    }

    @Override
    public String toString() {
        return name + Arrays.toString(shape);
    }
}
