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
 * Token-by-token decoding of one sequence with a key/value cache, so each new token costs one pass
 * over the weights instead of re-reading the whole prefix. Adapters are merged into the weights
 * beforehand (see {@link dev.refinery.engine.io.LoraMerger}), so decoding is plain matrix-vector work.
 */
public final class KvCacheDecoder {

    private final ModelConfig c;
    private final ModelWeights w;
    private final Rope rope;
    private final float[][] keys;
    private final float[][] values;
    private final int capacity;
    private int position;

    // Scratch buffers reused for every token.
    private final float[] x;
    private final float[] xn;
    private final float[] q;
    private final float[] att;
    private final float[] o;
    private final float[] g;
    private final float[] u;
    private final float[] h;
    private final float[] scores;
    private final float[] logits;

    public KvCacheDecoder(ModelWeights weights) {
        this(weights, weights.config().maxSeqLen());
    }

    /** A decoder whose cache holds {@code capacity} positions (at most the model's context). */
    public KvCacheDecoder(ModelWeights weights, int capacity) {
        this.c = weights.config();
        this.w = weights;
        this.capacity = Math.min(capacity, c.maxSeqLen());
        this.rope = new Rope(c);
        this.keys = new float[c.nLayers()][this.capacity * c.kvDim()];
        this.values = new float[c.nLayers()][this.capacity * c.kvDim()];
        this.x = new float[c.dim()];
        this.xn = new float[c.dim()];
        this.q = new float[c.qDim()];
        this.att = new float[c.qDim()];
        this.o = new float[c.dim()];
        this.g = new float[c.hiddenDim()];
        this.u = new float[c.hiddenDim()];
        this.h = new float[c.hiddenDim()];
        this.scores = new float[this.capacity];
        this.logits = new float[c.vocabSize()];
    }

    public ModelConfig config() {
        return c;
    }

    /** Number of tokens already in the cache. */
    public int position() {
        return position;
    }

    public int capacity() {
        return capacity;
    }

    public void reset() {
        position = 0;
    }

    /**
     * Feeds one token at the next position and returns the logits for the token after it. The
     * returned array is reused by the next call.
     */
    public float[] step(int token) {
        if (position >= capacity) {
            throw new EngineException.ContextTooLong("the sequence reached the context limit of " + capacity + " tokens");
        }
        if (token < 0 || token >= c.vocabSize()) {
            throw new EngineException.InvalidArgument("token id " + token + " is outside the vocabulary of " + c.vocabSize());
        }
        int dim = c.dim();
        System.arraycopy(w.tokenEmbedding.data(), token * dim, x, 0, dim);
        for (int l = 0; l < c.nLayers(); l++) {
            layer(l);
        }
        RmsNorm.forward(x, w.finalNorm.data(), c.normEps(), xn, null, 1, dim);
        Kernels.matmulTransB(xn, 0, dim, w.outputMatrix().data(), 0, dim, logits, 0, c.vocabSize(), 1, c.vocabSize(), dim, false);
        position++;
        return logits;
    }

    private void layer(int l) {
        LayerWeights lw = w.layers[l];
        int dim = c.dim();
        int kvDim = c.kvDim();
        int hd = c.headDim();
        RmsNorm.forward(x, lw.attnNorm.data(), c.normEps(), xn, null, 1, dim);
        matvec(lw.wq.data(), xn, q, c.qDim(), dim, lw.bq == null ? null : lw.bq.data());
        int kvOff = position * kvDim;
        matvecInto(lw.wk.data(), xn, keys[l], kvOff, kvDim, dim, lw.bk == null ? null : lw.bk.data());
        matvecInto(lw.wv.data(), xn, values[l], kvOff, kvDim, dim, lw.bv == null ? null : lw.bv.data());
        rope.rotate(q, 0, c.nHeads(), position);
        rope.rotate(keys[l], kvOff, c.nKvHeads(), position);

        MatrixKernel k = Kernels.kernel();
        float scale = (float) (1.0 / Math.sqrt(hd));
        int len = position + 1;
        for (int head = 0; head < c.nHeads(); head++) {
            int kvh = head / c.groupSize();
            int qOff = head * hd;
            float max = Float.NEGATIVE_INFINITY;
            for (int s = 0; s < len; s++) {
                float v = k.dot(q, qOff, keys[l], s * kvDim + kvh * hd, hd) * scale;
                scores[s] = v;
                max = Math.max(max, v);
            }
            float sum = 0f;
            for (int s = 0; s < len; s++) {
                float e = (float) Math.exp(scores[s] - max);
                scores[s] = e;
                sum += e;
            }
            java.util.Arrays.fill(att, qOff, qOff + hd, 0f);
            for (int s = 0; s < len; s++) {
                k.axpy(scores[s] / sum, values[l], s * kvDim + kvh * hd, att, qOff, hd);
            }
        }
        matvec(lw.wo.data(), att, o, dim, c.qDim(), null);
        for (int i = 0; i < dim; i++) {
            x[i] += o[i];
        }
        RmsNorm.forward(x, lw.ffnNorm.data(), c.normEps(), xn, null, 1, dim);
        int hidden = c.hiddenDim();
        matvec(lw.gate.data(), xn, g, hidden, dim, null);
        matvec(lw.up.data(), xn, u, hidden, dim, null);
        SwiGlu.forward(g, u, h, hidden);
        matvec(lw.down.data(), h, o, dim, hidden, null);
        for (int i = 0; i < dim; i++) {
            x[i] += o[i];
        }
    }

    private static void matvec(float[] weight, float[] in, float[] out, int rows, int cols, float[] bias) {
        matvecInto(weight, in, out, 0, rows, cols, bias);
    }

    private static void matvecInto(float[] weight, float[] in, float[] out, int outOff, int rows, int cols, float[] bias) {
        Kernels.matmulTransB(in, 0, cols, weight, 0, cols, out, outOff, rows, 1, rows, cols, false);
        if (bias != null) {
            for (int i = 0; i < rows; i++) {
                out[outOff + i] += bias[i];
            }
        }
    }
}
