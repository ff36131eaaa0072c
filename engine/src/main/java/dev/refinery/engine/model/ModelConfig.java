package dev.refinery.engine.model;

import dev.refinery.engine.EngineException;

/**
 * Shape and numeric constants of a Llama-architecture decoder.
 *
 * @param architecture   family name as the checkpoint calls it (e.g. "llama2c", "LlamaForCausalLM")
 * @param dim            model (residual stream) width
 * @param hiddenDim      SwiGLU inner width
 * @param nLayers        number of decoder blocks
 * @param nHeads         query heads
 * @param nKvHeads       key/value heads (grouped-query attention when fewer than nHeads)
 * @param headDim        width of one head
 * @param vocabSize      vocabulary size
 * @param maxSeqLen      context length the model was trained for
 * @param normEps        RMSNorm epsilon
 * @param ropeTheta      RoPE base frequency
 * @param ropeStyle      how RoPE pairs dimensions
 * @param tiedEmbeddings classifier shares the token-embedding matrix
 * @param attentionBias  q/k/v projections carry a bias (Qwen2)
 */
public record ModelConfig(
        String architecture,
        int dim,
        int hiddenDim,
        int nLayers,
        int nHeads,
        int nKvHeads,
        int headDim,
        int vocabSize,
        int maxSeqLen,
        float normEps,
        float ropeTheta,
        RopeStyle ropeStyle,
        boolean tiedEmbeddings,
        boolean attentionBias) {

    public ModelConfig {
        require(dim > 0, "dim must be positive, got " + dim);
        require(hiddenDim > 0, "hidden_dim must be positive, got " + hiddenDim);
        require(nLayers > 0, "n_layers must be positive, got " + nLayers);
        require(nHeads > 0 && nKvHeads > 0, "head counts must be positive, got n_heads=" + nHeads + " n_kv_heads=" + nKvHeads);
        require(nHeads % nKvHeads == 0, "n_heads (" + nHeads + ") must be a multiple of n_kv_heads (" + nKvHeads + ")");
        require(headDim > 0 && headDim % 2 == 0, "head_dim must be positive and even for RoPE, got " + headDim);
        require(vocabSize > 0, "vocab_size must be positive, got " + vocabSize);
        require(maxSeqLen > 0, "max_seq_len must be positive, got " + maxSeqLen);
    }

    /** A config with head_dim = dim / n_heads and the llama2.c conventions, handy for tests and benchmarks. */
    public static ModelConfig llama2c(int dim, int hiddenDim, int nLayers, int nHeads, int nKvHeads, int vocabSize, int maxSeqLen) {
        return new ModelConfig("llama2c", dim, hiddenDim, nLayers, nHeads, nKvHeads, dim / nHeads, vocabSize, maxSeqLen,
                1e-5f, 10000f, RopeStyle.INTERLEAVED, true, false);
    }

    public int qDim() {
        return nHeads * headDim;
    }

    public int kvDim() {
        return nKvHeads * headDim;
    }

    /** Query heads that share one key/value head. */
    public int groupSize() {
        return nHeads / nKvHeads;
    }

    private static void require(boolean ok, String message) {
        if (!ok) {
            throw new EngineException.InvalidConfig(message);
        }
    }
}
