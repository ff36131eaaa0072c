package dev.refinery.engine.model;

/** The parameters of one decoder block. Biases are null unless the architecture has them (Qwen2 q/k/v). */
public final class LayerWeights {

    public final Tensor attnNorm;
    public final Tensor wq;
    public final Tensor wk;
    public final Tensor wv;
    public final Tensor wo;
    public final Tensor bq;
    public final Tensor bk;
    public final Tensor bv;
    public final Tensor ffnNorm;
    /** SwiGLU gate projection (llama2.c w1). */
    public final Tensor gate;
    /** SwiGLU up projection (llama2.c w3). */
    public final Tensor up;
    /** SwiGLU down projection (llama2.c w2). */
    public final Tensor down;

    public LayerWeights(Tensor attnNorm, Tensor wq, Tensor wk, Tensor wv, Tensor wo,
                        Tensor bq, Tensor bk, Tensor bv,
                        Tensor ffnNorm, Tensor gate, Tensor up, Tensor down) {
        this.attnNorm = attnNorm;
        this.wq = wq;
        this.wk = wk;
        this.wv = wv;
        this.wo = wo;
        this.bq = bq;
        this.bk = bk;
        this.bv = bv;
        this.ffnNorm = ffnNorm;
        this.gate = gate;
        this.up = up;
        this.down = down;
    }

    public Tensor weight(Projection p) {
        return switch (p) {
            case Q -> wq;
            case K -> wk;
            case V -> wv;
            case O -> wo;
            case GATE -> gate;
            case UP -> up;
            case DOWN -> down;
        };
    }

    /** Bias of a projection, or null. */
    public Tensor bias(Projection p) {
        return switch (p) {
            case Q -> bq;
            case K -> bk;
            case V -> bv;
            default -> null;
        };
    }
}
