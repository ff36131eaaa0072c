package dev.refinery.engine.io;

import dev.refinery.engine.model.Tensor;

import java.util.Arrays;

/**
 * Where one tensor lives in a safetensors file, as its header describes it.
 *
 * @param name  tensor name
 * @param dtype element type on disk
 * @param shape dimensions, outermost first
 * @param begin first byte, relative to the start of the data buffer
 * @param end   one past the last byte, relative to the start of the data buffer
 */
public record TensorEntry(String name, SafeTensorsDtype dtype, int[] shape, long begin, long end) {

    public TensorEntry {
        shape = shape.clone();
    }

    @Override
    public int[] shape() {
        return shape.clone();
    }

    public long elementCount() {
        return Tensor.elementCount(shape);
    }

    public long byteLength() {
        return end - begin;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof TensorEntry e && name.equals(e.name) && dtype == e.dtype && Arrays.equals(shape, e.shape)
                && begin == e.begin && end == e.end;
    }

    @Override
    public int hashCode() {
        return 31 * name.hashCode() + Arrays.hashCode(shape);
    }

    @Override
    public String toString() {
        return name + " " + dtype + Arrays.toString(shape) + " @[" + begin + ", " + end + ")";
    }
}
