package dev.refinery.engine.generate;

import dev.refinery.engine.EngineException;
import dev.refinery.engine.kernel.Kernels;
import dev.refinery.engine.kernel.MatrixKernel;
import dev.refinery.engine.model.LayerWeights;
import dev.refinery.engine.model.ModelConfig;
import dev.refinery.engine.model.ModelWeights;
import dev.refinery.engine.nn.RmsNorm;
import dev.refinery.engine.nn.Rope;
import dev.refinery.engine.nn.SwiGlu;

/**
 * Token-by-token decoding of up to {@code slots} independent sequences with a key/value cache, so each
 * new token costs one pass over the weights instead of re-reading the whole prefix. Sequences advance
 * together, one token each per {@link #step}: their projections share one matrix product (the weights
 * are read once for all of them), while each attends only to its own cache at its own position.
 * Adapters are merged into the weights beforehand, so decoding is plain matrix work.
 */
public final class KvCacheDecoder {

    private final ModelConfig c;
    private final ModelWeights w;
    private final Rope rope;
    private final int slots;
    private final int capacity;
    /** [layer][slot * capacity * kvDim]: each slot owns a contiguous cache. */
    private final float[][] keys;
    private final float[][] values;
    private final int[] positions;

    public KvCacheDecoder(ModelWeights weights) {
        this(weights, 1, weights.config().maxSeqLen());
    }

    /** A decoder for {@code slots} sequences of at most {@code capacity} tokens each (capped at the model's context). */
    public KvCacheDecoder(ModelWeights weights, int slots, int capacity) {
        this.c = weights.config();
        this.w = weights;
        this.slots = slots;
        this.capacity = Math.min(capacity, c.maxSeqLen());
        this.rope = new Rope(c);
        this.keys = new float[c.nLayers()][slots * this.capacity * c.kvDim()];
        this.values = new float[c.nLayers()][slots * this.capacity * c.kvDim()];
        this.positions = new int[slots];
    }

    public ModelConfig config() {
        return c;
    }

    /** Number of tokens already in the cache of slot 0. */
    public int position() {
        return positions[0];
    }

    public int position(int slot) {
        return positions[slot];
    }

    public int capacity() {
        return capacity;
    }

    /** Feeds one token to slot 0 and returns the logits for the token after it (a fresh array). */
    public float[] step(int token) {
        return step(new int[] {0}, new int[] {token});
    }

    /**
     * Feeds {@code tokens[i]} to slot {@code slotIds[i]} at that slot's next position, for every i, and
     * returns the logits, row i for the i-th pair: [count, vocab].
     */
    public float[] step(int[] slotIds, int[] tokens) {
        int n = slotIds.length;
        int dim = c.dim();
        for (int i = 0; i < n; i++) {
            if (positions[slotIds[i]] >= capacity) {
                throw new EngineException.ContextTooLong("the sequence reached the context limit of " + capacity + " tokens");
            }
            if (tokens[i] < 0 || tokens[i] >= c.vocabSize()) {
                throw new EngineException.InvalidArgument("token id " + tokens[i] + " is outside the vocabulary of " + c.vocabSize());
            }
        }
        float[] x = new float[n * dim];
        for (int i = 0; i < n; i++) {
            System.arraycopy(w.tokenEmbedding.data(), tokens[i] * dim, x, i * dim, dim);
        }
        for (int l = 0; l < c.nLayers(); l++) {
            layer(l, slotIds, x);
        }
        float[] xn = new float[n * dim];
        RmsNorm.forward(x, w.finalNorm.data(), c.normEps(), xn, null, n, dim);
        float[] logits = new float[n * c.vocabSize()];
        Kernels.matmulTransB(xn, 0, dim, w.outputMatrix().data(), 0, dim, logits, 0, c.vocabSize(), n, c.vocabSize(), dim, false);
        for (int slot : slotIds) {
            positions[slot]++;
        }
        return logits;
    }

    private void layer(int l, int[] slotIds, float[] x) {
        LayerWeights lw = w.layers[l];
        int n = slotIds.length;
        int dim = c.dim();
        int kvDim = c.kvDim();
        int qDim = c.qDim();
        float[] xn = new float[n * dim];
        RmsNorm.forward(x, lw.attnNorm.data(), c.normEps(), xn, null, n, dim);
        float[] q = project(lw.wq.data(), lw.bq == null ? null : lw.bq.data(), xn, n, qDim, dim);
        float[] k = project(lw.wk.data(), lw.bk == null ? null : lw.bk.data(), xn, n, kvDim, dim);
        float[] v = project(lw.wv.data(), lw.bv == null ? null : lw.bv.data(), xn, n, kvDim, dim);
        float[] att = new float[n * qDim];
        for (int i = 0; i < n; i++) {
            int slot = slotIds[i];
            int pos = positions[slot];
            rope.rotate(q, i * qDim, c.nHeads(), pos);
            rope.rotate(k, i * kvDim, c.nKvHeads(), pos);
            int cacheOff = (slot * capacity + pos) * kvDim;
            System.arraycopy(k, i * kvDim, keys[l], cacheOff, kvDim);
            System.arraycopy(v, i * kvDim, values[l], cacheOff, kvDim);
            attend(l, slot, pos + 1, q, i * qDim, att, i * qDim);
        }
        float[] o = project(lw.wo.data(), null, att, n, dim, qDim);
        for (int i = 0; i < x.length; i++) {
            x[i] += o[i];
        }
        RmsNorm.forward(x, lw.ffnNorm.data(), c.normEps(), xn, null, n, dim);
        int hidden = c.hiddenDim();
        float[] g = project(lw.gate.data(), null, xn, n, hidden, dim);
        float[] u = project(lw.up.data(), null, xn, n, hidden, dim);
        float[] h = new float[n * hidden];
        SwiGlu.forward(g, u, h, n * hidden);
        float[] d = project(lw.down.data(), null, h, n, dim, hidden);
        for (int i = 0; i < x.length; i++) {
            x[i] += d[i];
        }
    }

    /** Attention of one query row over the first {@code len} cached positions of a slot. */
    private void attend(int l, int slot, int len, float[] q, int qOff, float[] out, int outOff) {
        MatrixKernel k = Kernels.kernel();
        int hd = c.headDim();
        int kvDim = c.kvDim();
        int base = slot * capacity * kvDim;
        float scale = (float) (1.0 / Math.sqrt(hd));
        float[] scores = new float[len];
        for (int head = 0; head < c.nHeads(); head++) {
            int kvh = head / c.groupSize();
            int qh = qOff + head * hd;
            float max = Float.NEGATIVE_INFINITY;
            for (int s = 0; s < len; s++) {
                float v = k.dot(q, qh, keys[l], base + s * kvDim + kvh * hd, hd) * scale;
                scores[s] = v;
                max = Math.max(max, v);
            }
            float sum = 0f;
            for (int s = 0; s < len; s++) {
                float e = (float) Math.exp(scores[s] - max);
                scores[s] = e;
                sum += e;
            }
            int oh = outOff + head * hd;
            java.util.Arrays.fill(out, oh, oh + hd, 0f);
            for (int s = 0; s < len; s++) {
                k.axpy(scores[s] / sum, values[l], base + s * kvDim + kvh * hd, out, oh, hd);
            }
        }
    }

    private static float[] project(float[] weight, float[] bias, float[] in, int rows, int out, int cols) {
        float[] y = new float[rows * out];
        Kernels.matmulTransB(in, 0, cols, weight, 0, cols, y, 0, out, rows, out, cols, false);
        if (bias != null) {
            for (int r = 0; r < rows; r++) {
                for (int j = 0; j < out; j++) {
                    y[r * out + j] += bias[j];
                }
            }
        }
        return y;
    }
}
