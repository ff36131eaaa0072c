package dev.refinery.engine.model;

import java.util.Locale;

/**
 * The seven linear projections of a decoder block that LoRA can adapt, with their Hugging Face
 * module names (which PEFT adapters use).
 */
public enum Projection {
    Q("self_attn.q_proj"),
    K("self_attn.k_proj"),
    V("self_attn.v_proj"),
    O("self_attn.o_proj"),
    GATE("mlp.gate_proj"),
    UP("mlp.up_proj"),
    DOWN("mlp.down_proj");

    private final String hfModule;

    Projection(String hfModule) {
        this.hfModule = hfModule;
    }

    /** Module path inside a layer, e.g. {@code self_attn.q_proj}. */
    public String hfModule() {
        return hfModule;
    }

    /** Short module name, e.g. {@code q_proj}, as PEFT's {@code target_modules} lists it. */
    public String peftName() {
        return hfModule.substring(hfModule.indexOf('.') + 1);
    }

    public int inFeatures(ModelConfig c) {
        return switch (this) {
            case Q, K, V, GATE, UP -> c.dim();
            case O -> c.qDim();
            case DOWN -> c.hiddenDim();
        };
    }

    public int outFeatures(ModelConfig c) {
        return switch (this) {
            case Q -> c.qDim();
            case K, V -> c.kvDim();
            case O, DOWN -> c.dim();
            case GATE, UP -> c.hiddenDim();
        };
    }

    /** Accepts "q", "q_proj", "Q" and the like. */
    public static Projection parse(String name) {
        String n = name.trim().toLowerCase(Locale.ROOT);
        if (n.endsWith("_proj")) {
            n = n.substring(0, n.length() - 5);
        }
        for (Projection p : values()) {
            if (p.name().toLowerCase(Locale.ROOT).equals(n)) {
                return p;
            }
        }
        throw new dev.refinery.engine.EngineException.InvalidArgument(
                "unknown projection '" + name + "': expected one of q, k, v, o, gate, up, down");
    }
}
