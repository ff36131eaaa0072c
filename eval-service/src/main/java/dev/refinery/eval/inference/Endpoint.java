package dev.refinery.eval.inference;

import java.net.URI;
import java.util.Objects;
import java.util.Optional;

/**
 * One model behind an OpenAI-shaped chat-completions API: {@code POST {baseUrl}/chat/completions} with
 * {@code model}. The API key is optional (a local vLLM often has none) and never appears in {@link #toString()}.
 *
 * @param baseUrl the API root including its version, e.g. {@code https://api.together.xyz/v1}
 */
public record Endpoint(ProviderKind kind, URI baseUrl, String model, String apiKey) {

    public Endpoint {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(baseUrl, "baseUrl");
        if (model == null || model.isBlank()) {
            throw new IllegalArgumentException("an endpoint needs a model name");
        }
        if (model.length() > 300) {
            throw new IllegalArgumentException("a model name is at most 300 characters");
        }
        String text = baseUrl.toString();
        if (text.length() > 500 || !(text.startsWith("http://") || text.startsWith("https://"))) {
            throw new IllegalArgumentException("a base URL is an http(s) URL of at most 500 characters, not '" + text + "'");
        }
        // One spelling per base URL, so that "…/v1" and "…/v1/" share cache entries.
        baseUrl = URI.create(text.endsWith("/") ? text.substring(0, text.length() - 1) : text);
        apiKey = apiKey == null || apiKey.isBlank() ? null : apiKey;
    }

    public Endpoint(ProviderKind kind, String baseUrl, String model, String apiKey) {
        this(kind, URI.create(baseUrl), model, apiKey);
    }

    public Optional<String> key() {
        return Optional.ofNullable(apiKey);
    }

    URI chatCompletions() {
        return URI.create(baseUrl + "/chat/completions");
    }

    /** How messages name it: model, provider and URL (never the key). */
    public String describe() {
        return "model '" + model + "' (" + kind.wireName() + " at " + baseUrl + ")";
    }

    @Override
    public String toString() {
        return "Endpoint[" + describe() + (apiKey == null ? ", no key" : ", key set") + "]";
    }
}
