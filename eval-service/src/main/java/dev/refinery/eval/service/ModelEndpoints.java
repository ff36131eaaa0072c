package dev.refinery.eval.service;

import dev.refinery.eval.config.EvalConfig;
import dev.refinery.eval.inference.Endpoint;
import dev.refinery.eval.inference.ProviderKind;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.util.Map;
import java.util.Optional;

/**
 * Where a model that answers through an API is asked: a provider's chat-completions URL (its public API, providers.md §4,
 * unless configured elsewhere) with the deployment's API key for it ({@code refinery.eval.providers.*}), or an
 * OpenAI-compatible server the operator configured ({@code refinery.eval.endpoints.*}), whose models are registered with the
 * backend {@code endpoint:<name>}.
 */
@ApplicationScoped
public class ModelEndpoints {

    /** The public chat-completions roots (providers.md §4). */
    private static final Map<String, String> PUBLIC_URLS = Map.of(
            "together", "https://api.together.xyz/v1",
            "fireworks", "https://api.fireworks.ai/inference/v1",
            "openai", "https://api.openai.com/v1");

    @Inject
    EvalConfig config;

    /** The backend of the models served by the operator's server {@code name}. */
    public static final String SERVER_PREFIX = "endpoint:";

    public static String serverBackend(String name) {
        return SERVER_PREFIX + name;
    }

    /** Whether models {@code backend} keeps can be evaluated here: a key is configured for it, or it is a configured server. */
    public boolean configured(String backend) {
        if (backend.startsWith(SERVER_PREFIX)) {
            return server(backend).isPresent();
        }
        return settings(backend).flatMap(EvalConfig.ProviderEndpoint::apiKey).filter(k -> !k.isBlank()).isPresent();
    }

    /** The names of the operator's servers, sorted. */
    public java.util.List<String> serverNames() {
        return config.endpoints().keySet().stream().sorted().toList();
    }

    /** The setting a person sets so that models of {@code backend} are evaluated. */
    public static String setting(String backend) {
        return backend.startsWith(SERVER_PREFIX) ? "refinery.eval.endpoints." + backend.substring(SERVER_PREFIX.length()) + ".url"
                : "refinery.eval.providers." + backend + ".api-key";
    }

    /**
     * @throws EvaluationFailure {@code EVAL_PROVIDER_NOT_CONFIGURED} when the backend has no key here, or is not a provider
     *                           with a chat-completions API
     */
    public Endpoint endpoint(EvaluatedModel model) {
        return endpoint(model.backend(), model.isBase() ? model.baseModel() : model.providerModel());
    }

    /** {@code model} as {@code backend} serves it (a model, or a judge). */
    public Endpoint endpoint(String backend, String model) {
        if (backend.startsWith(SERVER_PREFIX)) {
            EvalConfig.ServerEndpoint server = server(backend).orElseThrow(() -> new EvaluationFailure("EVAL_PROVIDER_NOT_CONFIGURED",
                    "model '" + model + "' answers through the server " + backend.substring(SERVER_PREFIX.length())
                            + ", which this service no longer has: set " + setting(backend)));
            return new Endpoint(ProviderKind.OPENAI_COMPATIBLE, server.url(), model, server.apiKey().orElse(null));
        }
        if (!PUBLIC_URLS.containsKey(backend) || !configured(backend)) {
            throw new EvaluationFailure("EVAL_PROVIDER_NOT_CONFIGURED", "model '" + model + "' answers through " + backend
                    + "'s API, and this service has no API key for it: set " + setting(backend));
        }
        EvalConfig.ProviderEndpoint settings = settings(backend).orElseThrow();
        return new Endpoint(ProviderKind.fromWireName(backend), settings.baseUrl().orElse(PUBLIC_URLS.get(backend)), model,
                settings.apiKey().orElseThrow());
    }

    private Optional<EvalConfig.ServerEndpoint> server(String backend) {
        return Optional.ofNullable(config.endpoints().get(backend.substring(SERVER_PREFIX.length())));
    }

    private Optional<EvalConfig.ProviderEndpoint> settings(String backend) {
        return Optional.ofNullable(config.providers().get(backend));
    }
}
