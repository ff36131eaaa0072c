package dev.refinery.inference.server;

import java.util.Map;

/**
 * A request's way to another server that answers it: an operator's inference server, or training-service asking a provider
 * with the project's key. Which server, the URL of its API root, how to authenticate there, and the model name to ask for
 * (a model registered from it, the version id an adapter was loaded under, the name it answers its base model under, or
 * the provider's name for a model it keeps).
 *
 * @param root           the API root; the request's path is added to it ({@code /chat/completions}, {@code /completions})
 * @param query          appended to every request's URL ({@code ?tenant=...}), or empty
 * @param headers        sent with every request (the server's key, or a signed identity)
 * @param adapterVersion the version whose adapter was loaded for this route; null when none was
 */
public record ServerRoute(String server, String root, String query, Map<String, String> headers, String model, String adapterVersion) {
}
