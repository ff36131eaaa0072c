package dev.refinery.engine.nn;

import dev.refinery.engine.kernel.Kernels;
import dev.refinery.engine.kernel.MatrixKernel;
import dev.refinery.engine.lora.LoraAdapter;
import dev.refinery.engine.model.LayerWeights;
import dev.refinery.engine.model.ModelConfig;
import dev.refinery.engine.model.ModelWeights;
import dev.refinery.engine.model.Projection;
import dev.refinery.engine.model.Tensor;

import java.util.List;

/**
 * The decoder over a flattened {@link TokenBatch}: forward for loss and scoring, and the hand-written
 * backward pass for training. A LoRA adapter, when given, is applied on the fly so the base weights
 * are never written.
 */
public final class Transformer {

    /**
     * Logits computed at once, in floats (64 MiB): bounds memory whatever the batch size, while keeping
     * chunks tall enough (512 rows at a 32000 vocabulary) that the classifier is streamed few times.
     */
    private static final int LOGIT_FLOATS = 1 << 24;
    /** Fewest rows per logits chunk, even with a huge vocabulary. */
    private static final int MIN_LOGIT_ROWS = 64;
    /** Rows per task of the parallel softmax. */
    private static final int SOFTMAX_ROWS_PER_TASK = 8;

    private final ModelConfig c;
    private final ModelWeights w;
    private final LoraAdapter adapter;
    private final Rope rope;
    private final CausalAttention attention;
    private final Linear[][] linears;
    private float[] outputT;

    public Transformer(ModelWeights weights, LoraAdapter adapter) {
        this.c = weights.config();
        this.w = weights;
        this.adapter = adapter;
        this.rope = new Rope(c);
        this.attention = new CausalAttention(c);
        this.linears = new Linear[c.nLayers()][Projection.values().length];
        float dropout = adapter == null ? 0f : adapter.config().dropout();
        float scale = adapter == null ? 0f : adapter.config().scale();
        for (int l = 0; l < c.nLayers(); l++) {
            LayerWeights lw = weights.layers[l];
            for (Projection p : Projection.values()) {
                Tensor a = adapter == null ? null : adapter.a(l, p);
                Tensor b = adapter == null ? null : adapter.b(l, p);
                linears[l][p.ordinal()] = new Linear(lw.weight(p), lw.bias(p), a, b, scale, dropout);
            }
        }
    }

    public ModelConfig config() {
        return c;
    }

    public ModelWeights weights() {
        return w;
    }

    public LoraAdapter adapter() {
        return adapter;
    }

    /** Result of a loss computation over a batch. */
    public record LossResult(double nllSum, int targetCount) {
        public double meanLoss() {
            return targetCount == 0 ? Double.NaN : nllSum / targetCount;
        }
    }

    /** Sum of negative log-likelihoods of the batch's targets, without gradients. */
    public LossResult loss(TokenBatch batch) {
        Pass pass = forward(batch, false, 0L);
        return new LossResult(pass.classify(null, 0f, null, null), batch.targetCount());
    }

    /** Log-probability of each target token (NaN where there is no target). */
    public double[] targetLogProbs(TokenBatch batch) {
        Pass pass = forward(batch, false, 0L);
        double[] out = new double[batch.size()];
        java.util.Arrays.fill(out, Double.NaN);
        pass.classify(null, 0f, null, out);
        return out;
    }

    /** Per sequence of the batch, the summed log-probability of its targets (0 for one without targets); no dropout, no gradients. */
    public double[] sequenceLogProbs(TokenBatch batch) {
        return perSequence(batch, targetLogProbs(batch));
    }

    /** Chooses each sequence's loss weight from the summed target log-probabilities of the same forward pass. */
    @FunctionalInterface
    public interface SequenceWeighting {
        float[] weights(double[] sequenceLogProbs);
    }

    /**
     * Forward (with dropout from {@code seed}), then backward of sum over sequences s of weight_s * NLL_s, where the
     * weights are chosen from this very pass's log-probabilities. A negative weight pushes a sequence's likelihood
     * down: preference losses (DPO and its variants) reduce to this, because their gradient with respect to each
     * sequence's summed log-probability is a scalar per sequence. Returns the per-sequence log-probabilities.
     */
    public double[] weightedSequenceGradients(TokenBatch batch, Gradients grads, long seed, SequenceWeighting weighting) {
        Pass pass = forward(batch, true, seed);
        double[] perToken = new double[batch.size()];
        java.util.Arrays.fill(perToken, Double.NaN);
        pass.classify(null, 0f, null, perToken);
        double[] perSequence = perSequence(batch, perToken);
        float[] weights = weighting.weights(perSequence);
        float[] rowScale = new float[batch.size()];
        List<Segment> segments = batch.segments();
        for (int s = 0; s < segments.size(); s++) {
            Segment seg = segments.get(s);
            java.util.Arrays.fill(rowScale, seg.start(), seg.start() + seg.length(), weights[s]);
        }
        pass.classify(grads, 0f, rowScale, null);
        pass.backward(grads);
        return perSequence;
    }

    private static double[] perSequence(TokenBatch batch, double[] perToken) {
        List<Segment> segments = batch.segments();
        double[] out = new double[segments.size()];
        for (int s = 0; s < segments.size(); s++) {
            Segment seg = segments.get(s);
            double sum = 0;
            for (int t = seg.start(); t < seg.start() + seg.length(); t++) {
                if (!Double.isNaN(perToken[t])) {
                    sum += perToken[t];
                }
            }
            out[s] = sum;
        }
        return out;
    }

    /**
     * Forward and backward: adds lossScale * d(sum NLL)/d(param) to the trainable gradients and returns
     * the summed NLL. {@code seed} drives LoRA dropout for this micro-batch.
     */
    public LossResult lossAndGradients(TokenBatch batch, Gradients grads, float lossScale, long seed) {
        Pass pass = forward(batch, true, seed);
        double nll = pass.classify(grads, lossScale, null, null);
        pass.backward(grads);
        return new LossResult(nll, batch.targetCount());
    }

    private Pass forward(TokenBatch batch, boolean training, long seed) {
        Pass pass = new Pass(batch);
        pass.run(training, seed);
        return pass;
    }

    /** Activations of one layer kept for the backward pass. */
    private static final class LayerCache {
        float[] xIn;
        float[] inv1;
        float[] xn1;
        float[] q;
        float[] k;
        float[] v;
        float[] att;
        float[] lse;
        float[] xMid;
        float[] inv2;
        float[] xn2;
        float[] g;
        float[] u;
        Linear.Saved[] saved = new Linear.Saved[Projection.values().length];
    }

    /** One forward (and optionally backward) pass over a batch. */
    private final class Pass {
        final TokenBatch batch;
        final int n;
        final List<Segment> segments;
        final LayerCache[] caches;
        float[] x;
        float[] xf;
        float[] invF;
        float[] dxf;

        Pass(TokenBatch batch) {
            this.batch = batch;
            this.n = batch.size();
            this.segments = batch.segments();
            this.caches = new LayerCache[c.nLayers()];
        }

        void run(boolean training, long seed) {
            int dim = c.dim();
            x = new float[n * dim];
            float[] emb = w.tokenEmbedding.data();
            int[] tokens = batch.tokens();
            for (int t = 0; t < n; t++) {
                int tok = tokens[t];
                if (tok < 0 || tok >= c.vocabSize()) {
                    throw new dev.refinery.engine.EngineException.InvalidArgument("token id " + tok + " at position " + t
                            + " is outside the vocabulary of " + c.vocabSize());
                }
                System.arraycopy(emb, tok * dim, x, t * dim, dim);
            }
            for (int l = 0; l < c.nLayers(); l++) {
                caches[l] = layerForward(l, training, seed * 1_000_003L + l * 31L);
            }
            xf = new float[n * dim];
            invF = new float[n];
            RmsNorm.forward(x, w.finalNorm.data(), c.normEps(), xf, invF, n, dim);
        }

        private LayerCache layerForward(int l, boolean training, long seed) {
            LayerWeights lw = w.layers[l];
            Linear[] lin = linears[l];
            int dim = c.dim();
            LayerCache lc = new LayerCache();
            lc.xIn = x;
            lc.inv1 = new float[n];
            lc.xn1 = new float[n * dim];
            RmsNorm.forward(x, lw.attnNorm.data(), c.normEps(), lc.xn1, lc.inv1, n, dim);
            lc.q = new float[n * c.qDim()];
            lc.k = new float[n * c.kvDim()];
            lc.v = new float[n * c.kvDim()];
            lc.saved[Projection.Q.ordinal()] = lin[Projection.Q.ordinal()].forward(lc.xn1, n, lc.q, training, seed + 1);
            lc.saved[Projection.K.ordinal()] = lin[Projection.K.ordinal()].forward(lc.xn1, n, lc.k, training, seed + 2);
            lc.saved[Projection.V.ordinal()] = lin[Projection.V.ordinal()].forward(lc.xn1, n, lc.v, training, seed + 3);
            int[] pos = batch.positions();
            for (int t = 0; t < n; t++) {
                rope.rotate(lc.q, t * c.qDim(), c.nHeads(), pos[t]);
                rope.rotate(lc.k, t * c.kvDim(), c.nKvHeads(), pos[t]);
            }
            lc.att = new float[n * c.qDim()];
            lc.lse = new float[n * c.nHeads()];
            attention.forward(lc.q, lc.k, lc.v, segments, lc.att, lc.lse);
            float[] o = new float[n * dim];
            lc.saved[Projection.O.ordinal()] = lin[Projection.O.ordinal()].forward(lc.att, n, o, training, seed + 4);
            lc.xMid = new float[n * dim];
            for (int i = 0; i < lc.xMid.length; i++) {
                lc.xMid[i] = x[i] + o[i];
            }
            lc.inv2 = new float[n];
            lc.xn2 = new float[n * dim];
            RmsNorm.forward(lc.xMid, lw.ffnNorm.data(), c.normEps(), lc.xn2, lc.inv2, n, dim);
            int hidden = c.hiddenDim();
            lc.g = new float[n * hidden];
            lc.u = new float[n * hidden];
            lc.saved[Projection.GATE.ordinal()] = lin[Projection.GATE.ordinal()].forward(lc.xn2, n, lc.g, training, seed + 5);
            lc.saved[Projection.UP.ordinal()] = lin[Projection.UP.ordinal()].forward(lc.xn2, n, lc.u, training, seed + 6);
            float[] h = new float[n * hidden];
            SwiGlu.forward(lc.g, lc.u, h, n * hidden);
            float[] d = new float[n * dim];
            lc.saved[Projection.DOWN.ordinal()] = lin[Projection.DOWN.ordinal()].forward(h, n, d, training, seed + 7);
            float[] next = new float[n * dim];
            for (int i = 0; i < next.length; i++) {
                next[i] = lc.xMid[i] + d[i];
            }
            x = next;
            return lc;
        }

        /**
         * Computes logits for the rows that have a target, chunk by chunk. Returns the summed NLL; with
         * grads, fills dxf (and the classifier gradient when trainable) for lossScale * NLL, or, with rowScale,
         * for the sum of rowScale[t] * NLL_t; with logProbs, records each target's log-probability.
         */
        double classify(Gradients grads, float lossScale, float[] rowScale, double[] logProbs) {
            int dim = c.dim();
            int vocab = c.vocabSize();
            int[] targets = batch.targets();
            int[] rows = new int[n];
            int count = 0;
            for (int t = 0; t < n; t++) {
                if (targets[t] >= 0) {
                    rows[count++] = t;
                }
            }
            Tensor outW = w.outputMatrix();
            float[] dOut = grads == null ? null : grads.of(outW);
            if (grads != null) {
                dxf = new float[n * dim];
            }
            float[] outT = frozenOutputTransposed(grads != null && dOut == null);
            int chunk = Math.max(1, Math.min(count, Math.max(MIN_LOGIT_ROWS, LOGIT_FLOATS / vocab)));
            double nll = 0;
            float[] xs = new float[chunk * dim];
            float[] logits = new float[chunk * vocab];
            double[] lp = new double[chunk];
            for (int start = 0; start < count; start += chunk) {
                int m = Math.min(chunk, count - start);
                int first = start;
                for (int r = 0; r < m; r++) {
                    System.arraycopy(xf, rows[start + r] * dim, xs, r * dim, dim);
                }
                if (outT != null) {
                    Kernels.matmul(xs, 0, dim, outT, 0, vocab, logits, 0, vocab, m, vocab, dim, false);
                } else {
                    Kernels.matmulTransB(xs, 0, dim, outW.data(), 0, dim, logits, 0, vocab, m, vocab, dim, false);
                }
                boolean gradient = grads != null;
                Kernels.parallelFor((m + SOFTMAX_ROWS_PER_TASK - 1) / SOFTMAX_ROWS_PER_TASK, task -> {
                    int end = Math.min(m, (task + 1) * SOFTMAX_ROWS_PER_TASK);
                    for (int r = task * SOFTMAX_ROWS_PER_TASK; r < end; r++) {
                        int row = rows[first + r];
                        lp[r] = logSoftmax(logits, r * vocab, vocab, targets[row], gradient, rowScale == null ? lossScale : rowScale[row]);
                    }
                });
                // Summed in row order whatever thread computed each row, so the loss is reproducible.
                for (int r = 0; r < m; r++) {
                    nll -= lp[r];
                    if (logProbs != null) {
                        logProbs[rows[start + r]] = lp[r];
                    }
                }
                if (grads != null) {
                    // dxs = dlogits W
                    float[] dxs = new float[m * dim];
                    Kernels.matmul(logits, 0, vocab, outW.data(), 0, dim, dxs, 0, dim, m, dim, vocab, false);
                    for (int r = 0; r < m; r++) {
                        System.arraycopy(dxs, r * dim, dxf, rows[start + r] * dim, dim);
                    }
                    if (dOut != null) {
                        // dW += dlogits^T xs
                        Kernels.matmulTransA(logits, 0, vocab, xs, 0, dim, dOut, 0, dim, vocab, dim, m, true);
                    }
                }
            }
            return nll;
        }

        void backward(Gradients grads) {
            int dim = c.dim();
            float[] dx = new float[n * dim];
            RmsNorm.backward(x, w.finalNorm.data(), invF, dxf, dx, grads.of(w.finalNorm), n, dim);
            for (int l = c.nLayers() - 1; l >= 0; l--) {
                layerBackward(l, caches[l], dx, grads);
                caches[l] = null;
            }
            float[] dEmb = grads.of(w.tokenEmbedding);
            if (dEmb != null) {
                int[] tokens = batch.tokens();
                for (int t = 0; t < n; t++) {
                    Kernels.kernel().axpy(1f, dx, t * dim, dEmb, tokens[t] * dim, dim);
                }
            }
        }

        /** On entry dx holds dL/d(layer output); on exit dL/d(layer input). */
        private void layerBackward(int l, LayerCache lc, float[] dx, Gradients grads) {
            LayerWeights lw = w.layers[l];
            Linear[] lin = linears[l];
            int dim = c.dim();
            int hidden = c.hiddenDim();
            // Feed-forward block: x_out = x_mid + down(silu(gate(xn2)) * up(xn2))
            float[] dh = new float[n * hidden];
            backward(lin, l, Projection.DOWN, lc, dx, dh, grads);
            float[] dg = new float[n * hidden];
            float[] du = new float[n * hidden];
            SwiGlu.backward(lc.g, lc.u, dh, dg, du, n * hidden);
            float[] dxn2 = new float[n * dim];
            backward(lin, l, Projection.GATE, lc, dg, dxn2, grads);
            backward(lin, l, Projection.UP, lc, du, dxn2, grads);
            RmsNorm.backward(lc.xMid, lw.ffnNorm.data(), lc.inv2, dxn2, dx, grads.of(lw.ffnNorm), n, dim);
            // Attention block: x_mid = x_in + o(attention(rope(q(xn1)), rope(k(xn1)), v(xn1)))
            float[] datt = new float[n * c.qDim()];
            backward(lin, l, Projection.O, lc, dx, datt, grads);
            float[] dq = new float[n * c.qDim()];
            float[] dk = new float[n * c.kvDim()];
            float[] dv = new float[n * c.kvDim()];
            attention.backward(lc.q, lc.k, lc.v, lc.att, lc.lse, datt, segments, dq, dk, dv);
            int[] pos = batch.positions();
            for (int t = 0; t < n; t++) {
                rope.rotateBack(dq, t * c.qDim(), c.nHeads(), pos[t]);
                rope.rotateBack(dk, t * c.kvDim(), c.nKvHeads(), pos[t]);
            }
            float[] dxn1 = new float[n * dim];
            backward(lin, l, Projection.Q, lc, dq, dxn1, grads);
            backward(lin, l, Projection.K, lc, dk, dxn1, grads);
            backward(lin, l, Projection.V, lc, dv, dxn1, grads);
            RmsNorm.backward(lc.xIn, lw.attnNorm.data(), lc.inv1, dxn1, dx, grads.of(lw.attnNorm), n, dim);
        }

        private void backward(Linear[] lin, int l, Projection p, LayerCache lc, float[] dy, float[] dIn, Gradients grads) {
            LayerWeights lw = w.layers[l];
            float[] dA = adapter == null ? null : grads.of(adapter.a(l, p));
            float[] dB = adapter == null ? null : grads.of(adapter.b(l, p));
            lin[p.ordinal()].backward(lc.saved[p.ordinal()], dy, dIn, grads.of(lw.weight(p)), grads.of(lw.bias(p)), dA, dB);
        }
    }

    /**
     * Log-probability of {@code target} in one row of logits. With {@code gradient}, the row is replaced by
     * lossScale * (softmax - one_hot(target)), the gradient of lossScale * NLL; otherwise it is left holding
     * scratch values.
     */
    private static double logSoftmax(float[] logits, int off, int vocab, int target, boolean gradient, float lossScale) {
        MatrixKernel k = Kernels.kernel();
        float max = k.max(logits, off, vocab);
        float targetLogit = logits[off + target];
        float sum = k.expShifted(logits, off, vocab, max);
        double lp = targetLogit - (max + Math.log(sum));
        if (gradient) {
            k.scale(logits, off, vocab, lossScale / sum);
            logits[off + target] -= lossScale;
        }
        return lp;
    }

    /**
     * The classifier transposed to [dim, vocab], the layout the logits product streams fastest, or null
     * when it may not be cached: only a classifier known to stay frozen (a LoRA model, or a gradient pass
     * that does not train it) is transposed once and kept.
     */
    private float[] frozenOutputTransposed(boolean frozenInThisPass) {
        if (adapter == null && !frozenInThisPass) {
            return null;
        }
        if (outputT == null) {
            outputT = Matrices.transposed(w.outputMatrix().data(), c.vocabSize(), c.dim());
        }
        return outputT;
    }
}
