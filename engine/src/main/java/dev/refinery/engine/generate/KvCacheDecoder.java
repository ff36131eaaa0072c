package dev.refinery.engine.generate;

import dev.refinery.engine.EngineException;
import dev.refinery.engine.kernel.Kernels;
import dev.refinery.engine.kernel.MatrixKernel;
import dev.refinery.engine.model.LayerWeights;
import dev.refinery.engine.model.ModelConfig;
import dev.refinery.engine.model.ModelWeights;
import dev.refinery.engine.model.Projection;
import dev.refinery.engine.nn.RmsNorm;
import dev.refinery.engine.nn.Rope;
import dev.refinery.engine.nn.SwiGlu;

/**
 * Decoding of up to {@code slots} independent sequences with a key/value cache, so each new token costs
 * one pass over the weights instead of re-reading the whole prefix. Sequences advance together in
 * {@link #step}: their projections share one matrix product (the weights are read once for all of them),
 * while each attends only to its own cache at its own position.
 *
 * <p>Adapters come in one of two ways. Merged into the weights beforehand ({@code LanguageModel.withAdapter}),
 * decoding is plain matrix work. Or per row, as a {@link LoraDelta}: the base product still runs once for the
 * whole batch, and each row then adds its own adapter's low-rank update, so one base serves rows of many
 * adapters in the same step. Merged decoding is the per-row path with no adapter on any row.
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

    /** Empties a slot so that a new sequence can start in it (its old cache entries are overwritten as it advances). */
    public void reset(int slot) {
        positions[slot] = 0;
    }

    /** Feeds one token to slot 0 and returns the logits for the token after it (a fresh array). */
    public float[] step(int token) {
        return step(new int[] {0}, new int[] {token});
    }

    /** {@link #step(int[], int[], LoraDelta[])} with no adapter on any row. */
    public float[] step(int[] slotIds, int[] tokens) {
        return step(slotIds, tokens, null);
    }

    /**
     * Feeds {@code tokens[i]} to slot {@code slotIds[i]} for every row i, and returns the logits, row i for
     * the i-th pair: [rows, vocab]. A slot may take several consecutive rows (a block of its prompt): they
     * take its next positions in order, each attending to the ones before it. {@code adapters[i]} is row
     * i's adapter, or null for the base alone; {@code adapters} itself may be null (no adapter anywhere).
     */
    public float[] step(int[] slotIds, int[] tokens, LoraDelta[] adapters) {
        int n = slotIds.length;
        int dim = c.dim();
        int[] rowPositions = new int[n];
        int[] taken = new int[slots];
        for (int i = 0; i < n; i++) {
            int slot = slotIds[i];
            rowPositions[i] = positions[slot] + taken[slot]++;
            if (rowPositions[i] >= capacity) {
                throw new EngineException.ContextTooLong("the sequence reached the context limit of " + capacity + " tokens");
            }
            if (tokens[i] < 0 || tokens[i] >= c.vocabSize()) {
                throw new EngineException.InvalidArgument("token id " + tokens[i] + " is outside the vocabulary of " + c.vocabSize());
            }
        }
        AdapterRows adapterRows = AdapterRows.of(adapters);
        float[] x = new float[n * dim];
        for (int i = 0; i < n; i++) {
            System.arraycopy(w.tokenEmbedding.data(), tokens[i] * dim, x, i * dim, dim);
        }
        for (int l = 0; l < c.nLayers(); l++) {
            layer(l, slotIds, rowPositions, adapterRows, x);
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

    private void layer(int l, int[] slotIds, int[] rowPositions, AdapterRows adapterRows, float[] x) {
        LayerWeights lw = w.layers[l];
        int n = slotIds.length;
        int dim = c.dim();
        int kvDim = c.kvDim();
        int qDim = c.qDim();
        float[] xn = new float[n * dim];
        RmsNorm.forward(x, lw.attnNorm.data(), c.normEps(), xn, null, n, dim);
        float[] q = project(l, Projection.Q, xn, n, adapterRows);
        float[] k = project(l, Projection.K, xn, n, adapterRows);
        float[] v = project(l, Projection.V, xn, n, adapterRows);
        float[] att = new float[n * qDim];
        for (int i = 0; i < n; i++) {
            int slot = slotIds[i];
            int pos = rowPositions[i];
            rope.rotate(q, i * qDim, c.nHeads(), pos);
            rope.rotate(k, i * kvDim, c.nKvHeads(), pos);
            int cacheOff = (slot * capacity + pos) * kvDim;
            System.arraycopy(k, i * kvDim, keys[l], cacheOff, kvDim);
            System.arraycopy(v, i * kvDim, values[l], cacheOff, kvDim);
            attend(l, slot, pos + 1, q, i * qDim, att, i * qDim);
        }
        float[] o = project(l, Projection.O, att, n, adapterRows);
        for (int i = 0; i < x.length; i++) {
            x[i] += o[i];
        }
        RmsNorm.forward(x, lw.ffnNorm.data(), c.normEps(), xn, null, n, dim);
        int hidden = c.hiddenDim();
        float[] g = project(l, Projection.GATE, xn, n, adapterRows);
        float[] u = project(l, Projection.UP, xn, n, adapterRows);
        float[] h = new float[n * hidden];
        SwiGlu.forward(g, u, h, n * hidden);
        float[] d = project(l, Projection.DOWN, h, n, adapterRows);
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

    /** The base projection of all rows in one product (plus its bias), then each row's adapter update. */
    private float[] project(int l, Projection p, float[] in, int rows, AdapterRows adapterRows) {
        int out = p.outFeatures(c);
        int cols = p.inFeatures(c);
        float[] y = new float[rows * out];
        Kernels.matmulTransB(in, 0, cols, w.layers[l].weight(p).data(), 0, cols, y, 0, out, rows, out, cols, false);
        var bias = w.layers[l].bias(p);
        if (bias != null) {
            float[] b = bias.data();
            for (int r = 0; r < rows; r++) {
                for (int j = 0; j < out; j++) {
                    y[r * out + j] += b[j];
                }
            }
        }
        for (int g = 0; g < adapterRows.adapters.length; g++) {
            LoraDelta delta = adapterRows.adapters[g];
            if (delta.adapts(l, p)) {
                delta.addTo(l, p, in, cols, y, out, adapterRows.rows[g]);
            }
        }
        return y;
    }

    /** The rows of a step grouped by adapter (rows without one left out), found once per step rather than per product. */
    private record AdapterRows(LoraDelta[] adapters, int[][] rows) {

        static final AdapterRows NONE = new AdapterRows(new LoraDelta[0], new int[0][]);

        static AdapterRows of(LoraDelta[] perRow) {
            if (perRow == null) {
                return NONE;
            }
            java.util.Map<LoraDelta, java.util.List<Integer>> groups = new java.util.IdentityHashMap<>();
            java.util.List<LoraDelta> order = new java.util.ArrayList<>();
            for (int i = 0; i < perRow.length; i++) {
                if (perRow[i] != null) {
                    groups.computeIfAbsent(perRow[i], d -> {
                        order.add(d);
                        return new java.util.ArrayList<>();
                    }).add(i);
                }
            }
            int[][] rows = new int[order.size()][];
            for (int g = 0; g < rows.length; g++) {
                rows[g] = groups.get(order.get(g)).stream().mapToInt(Integer::intValue).toArray();
            }
            return new AdapterRows(order.toArray(new LoraDelta[0]), rows);
        }
    }
}
