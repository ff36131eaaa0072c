package dev.refinery.engine.io;

import dev.refinery.engine.EngineException;
import dev.refinery.engine.model.Tensor;

/**
 * Converts q/k projection rows between the two RoPE pairings (see {@link dev.refinery.engine.model.RopeStyle}).
 * Within each head of width hd, interleaved row {@code 2i + j} (pair i, member j) corresponds to rotate-half
 * row {@code j * hd/2 + i}; this is the permutation Meta→Hugging Face conversion applies. Because queries and
 * keys are permuted alike, their dot products, and so the attention, are unchanged.
 *
 * <p>Works on the rows of an [out, in] matrix with out = heads × head_dim: pass n_heads for q_proj and
 * n_kv_heads for k_proj. A bias or a LoRA B matrix permutes the same way (a bias is a single column).
 */
public final class RopeLayout {

    private RopeLayout() {
    }

    /** Interleaved (llama2.c) rows to rotate-half (Hugging Face) rows. Returns a new tensor with the same name. */
    public static Tensor toHalf(Tensor t, int nHeads) {
        return new Tensor(t.name(), t.shape(), permuteRows(t, nHeads, true));
    }

    /** Rotate-half (Hugging Face) rows to interleaved (llama2.c) rows. Returns a new tensor with the same name. */
    public static Tensor toInterleaved(Tensor t, int nHeads) {
        return new Tensor(t.name(), t.shape(), permuteRows(t, nHeads, false));
    }

    private static float[] permuteRows(Tensor t, int nHeads, boolean toHalf) {
        if (t.rank() != 1 && t.rank() != 2) {
            throw new EngineException.InvalidArgument("RoPE permutation needs a matrix or a bias, got " + t);
        }
        int rows = t.dim(0);
        int cols = t.rank() == 2 ? t.dim(1) : 1;
        if (nHeads <= 0 || rows % nHeads != 0 || (rows / nHeads) % 2 != 0) {
            throw new EngineException.ShapeMismatch("tensor " + t + " cannot be split into " + nHeads
                    + " heads of even width for the RoPE permutation");
        }
        int headDim = rows / nHeads;
        int half = headDim / 2;
        float[] source = t.data();
        float[] target = new float[source.length];
        for (int h = 0; h < nHeads; h++) {
            for (int i = 0; i < half; i++) {
                for (int j = 0; j < 2; j++) {
                    int interleavedRow = h * headDim + 2 * i + j;
                    int halfRow = h * headDim + j * half + i;
                    int from = toHalf ? interleavedRow : halfRow;
                    int to = toHalf ? halfRow : interleavedRow;
                    System.arraycopy(source, from * cols, target, to * cols, cols);
                }
            }
        }
        return target;
    }
}
