package dev.refinery.engine.generate;

import dev.refinery.engine.io.LoraMerger;
import dev.refinery.engine.kernel.Kernels;
import dev.refinery.engine.kernel.MatrixKernel;
import dev.refinery.engine.lora.LoraAdapter;
import dev.refinery.engine.model.ModelConfig;
import dev.refinery.engine.model.Projection;

/**
 * A LoRA adapter laid out for adding its low-rank update row by row while decoding, instead of merging it into a
 * copy of the base: y += (alpha / r) · B (A x). Serving many adapters over one base keeps one copy of the weights
 * and a few of these (kilobytes to megabytes each) rather than one merged model per adapter.
 *
 * <p>A is kept as stored ([rank, in], row r is the r-th input direction, read with a dot product). B is stored
 * transposed and pre-multiplied by the scale ([rank, out]), so that adding a rank component to an output row is
 * one contiguous {@code axpy} rather than a strided walk down B's columns.
 */
public final class LoraDelta {

    private final int rank;
    /** [layer][projection ordinal]: A [rank * in], or null where the projection is not adapted. */
    private final float[][][] a;
    /** [layer][projection ordinal]: scale · B^T [rank * out], or null where the projection is not adapted. */
    private final float[][][] scaledBt;
    private final long bytes;

    private LoraDelta(int rank, float[][][] a, float[][][] scaledBt, long bytes) {
        this.rank = rank;
        this.a = a;
        this.scaledBt = scaledBt;
        this.bytes = bytes;
    }

    /** The adapter for a base of shape {@code base}; fails with ENGINE_SHAPE_MISMATCH when it was made for another shape. */
    public static LoraDelta of(LoraAdapter adapter, ModelConfig base) {
        LoraMerger.requireSameShapes(base, adapter.modelConfig());
        int rank = adapter.config().rank();
        float scale = adapter.config().scale();
        int layers = base.nLayers();
        int projections = Projection.values().length;
        float[][][] a = new float[layers][projections][];
        float[][][] bt = new float[layers][projections][];
        long floats = 0;
        for (int layer = 0; layer < layers; layer++) {
            for (Projection p : Projection.values()) {
                if (!adapter.adapts(p)) {
                    continue;
                }
                int out = p.outFeatures(base);
                float[] b = adapter.b(layer, p).data();
                float[] t = new float[rank * out];
                for (int o = 0; o < out; o++) {
                    for (int r = 0; r < rank; r++) {
                        t[r * out + o] = scale * b[o * rank + r];
                    }
                }
                a[layer][p.ordinal()] = adapter.a(layer, p).data().clone();
                bt[layer][p.ordinal()] = t;
                floats += a[layer][p.ordinal()].length + t.length;
            }
        }
        return new LoraDelta(rank, a, bt, floats * Float.BYTES);
    }

    /** Heap taken by the adapter's matrices (what an adapter cache budgets). */
    public long bytes() {
        return bytes;
    }

    boolean adapts(int layer, Projection p) {
        return a[layer][p.ordinal()] != null;
    }

    /**
     * Adds the update of projection {@code p} of {@code layer} to the given rows: y[row] += scale · B A x[row], for x
     * [rows, in] and y [rows, out]. Each row's update is computed on its own, with the same operations whatever the
     * other rows are; the rows of one adapter come together so that they read A and B while those are in cache.
     */
    void addTo(int layer, Projection p, float[] x, int in, float[] y, int out, int[] rows) {
        float[] am = a[layer][p.ordinal()];
        float[] bt = scaledBt[layer][p.ordinal()];
        MatrixKernel k = Kernels.kernel();
        for (int r = 0; r < rank; r++) {
            for (int row : rows) {
                float ax = k.dot(am, r * in, x, row * in, in);
                k.axpy(ax, bt, r * out, y, row * out, out);
            }
        }
    }
}
