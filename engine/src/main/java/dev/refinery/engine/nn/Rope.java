package dev.refinery.engine.nn;

import dev.refinery.engine.EngineException;
import dev.refinery.engine.model.ModelConfig;
import dev.refinery.engine.model.RopeStyle;

/**
 * Rotary position embeddings with precomputed cos/sin per position and frequency. The rotation
 * is orthogonal, so the backward pass is the same rotation by the negative angle.
 */
public final class Rope {

    private final int headDim;
    private final int half;
    private final int maxPositions;
    private final RopeStyle style;
    private final float[] cos;
    private final float[] sin;

    public Rope(ModelConfig config) {
        this(config.headDim(), config.maxSeqLen(), config.ropeTheta(), config.ropeStyle());
    }

    public Rope(int headDim, int maxPositions, float theta, RopeStyle style) {
        this.headDim = headDim;
        this.half = headDim / 2;
        this.maxPositions = maxPositions;
        this.style = style;
        this.cos = new float[maxPositions * half];
        this.sin = new float[maxPositions * half];
        for (int pos = 0; pos < maxPositions; pos++) {
            for (int i = 0; i < half; i++) {
                // Same float arithmetic as llama2.c, so greedy decoding matches the reference token for token.
                float freq = (float) (1.0 / Math.pow(theta, (2 * i) / (float) headDim));
                float angle = pos * freq;
                cos[pos * half + i] = (float) Math.cos(angle);
                sin[pos * half + i] = (float) Math.sin(angle);
            }
        }
    }

    public int maxPositions() {
        return maxPositions;
    }

    /** Rotates every head of one row (q or k of one token) in place, for position {@code pos}. */
    public void rotate(float[] row, int offset, int heads, int pos) {
        apply(row, offset, heads, pos, 1f);
    }

    /** Backward of {@link #rotate}: rotates the gradient by the opposite angle. */
    public void rotateBack(float[] row, int offset, int heads, int pos) {
        apply(row, offset, heads, pos, -1f);
    }

    private void apply(float[] row, int offset, int heads, int pos, float direction) {
        if (pos < 0 || pos >= maxPositions) {
            throw new EngineException.ContextTooLong("position " + pos + " is beyond the model's context of " + maxPositions + " tokens");
        }
        int t = pos * half;
        int pairStride = style == RopeStyle.INTERLEAVED ? 1 : 0;
        for (int h = 0; h < heads; h++) {
            int base = offset + h * headDim;
            for (int i = 0; i < half; i++) {
                int ia = style == RopeStyle.INTERLEAVED ? base + 2 * i : base + i;
                int ib = style == RopeStyle.INTERLEAVED ? ia + pairStride : ia + half;
                float c = cos[t + i];
                float s = direction * sin[t + i];
                float a = row[ia];
                float b = row[ib];
                row[ia] = a * c - b * s;
                row[ib] = a * s + b * c;
            }
        }
    }
}
