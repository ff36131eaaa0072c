package dev.refinery.eval.inference;

import java.net.URI;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * One model behind an OpenAI-shaped chat-completions API: {@code POST {baseUrl}/chat/completions} with
 * {@code model}. The API key is optional (a local vLLM often has none) and never appears in {@link #toString()}.
 *
 * @param baseUrl  the API root including its version, e.g. {@code https://api.together.xyz/v1}
 * @param identity for Refinery's own inference-service: a fresh signed identity per request (it outlives none of them);
 *                 null for an API asked with a key
 */
public record Endpoint(ProviderKind kind, URI baseUrl, String model, String apiKey, Supplier<String> identity) {

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

    public Endpoint(ProviderKind kind, URI baseUrl, String model, String apiKey) {
        this(kind, baseUrl, model, apiKey, null);
    }

    public Endpoint(ProviderKind kind, String baseUrl, String model, String apiKey) {
        this(kind, URI.create(baseUrl), model, apiKey, null);
    }

    /** {@code model} at Refinery's inference-service ({@code baseUrl}: its {@code /v1}), asked with {@code identity}. */
    public static Endpoint door(String baseUrl, String model, Supplier<String> identity) {
        return new Endpoint(ProviderKind.OPENAI_COMPATIBLE, URI.create(baseUrl), model, null, java.util.Objects.requireNonNull(identity));
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
        return "Endpoint[" + describe() + (apiKey != null ? ", key set" : identity != null ? ", as the project" : ", no key") + "]";
    }
}
