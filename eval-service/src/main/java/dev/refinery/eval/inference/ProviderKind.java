package dev.refinery.eval.inference;

import java.util.Arrays;
import java.util.Locale;

/**
 * Who serves a model. They share one request shape (providers.md §4); the kind only changes what a failure means:
 * a Fireworks 404 usually means no deployment serves the model, an OpenAI fine-tune has a serving cutoff.
 */
public enum ProviderKind {
    TOGETHER("together"),
    FIREWORKS("fireworks"),
    OPENAI("openai"),
    /** Any server with an OpenAI-compatible {@code /chat/completions}: vLLM, TGI, inference-service. */
    OPENAI_COMPATIBLE("openai-compatible");

    private final String wireName;

    ProviderKind(String wireName) {
        this.wireName = wireName;
    }

    /** The name used in settings and messages ({@code together}, {@code openai-compatible}, ...). */
    public String wireName() {
        return wireName;
    }

    public static ProviderKind fromWireName(String name) {
        String wanted = name == null ? "" : name.strip().toLowerCase(Locale.ROOT);
        return Arrays.stream(values()).filter(kind -> kind.wireName.equals(wanted)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("unknown provider kind '" + name
                        + "' (known: together, fireworks, openai, openai-compatible)"));
    }
}
