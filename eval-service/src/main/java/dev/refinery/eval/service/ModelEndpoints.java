package dev.refinery.eval.service;

import dev.refinery.eval.config.EvalConfig;
import dev.refinery.eval.inference.Endpoint;
import dev.refinery.eval.inference.ProviderKind;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.util.Map;
import java.util.Optional;

/**
 * Where a model that answers through a provider's API is asked: the backend's chat-completions URL (its public API,
 * providers.md §4, unless configured elsewhere) and the deployment's API key for it ({@code refinery.eval.providers.*}).
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

    /** Whether models {@code backend} keeps can be evaluated here: a key is configured for it. */
    public boolean configured(String backend) {
        return settings(backend).flatMap(EvalConfig.ProviderEndpoint::apiKey).filter(k -> !k.isBlank()).isPresent();
    }

    /** The setting a person sets so that models of {@code backend} are evaluated. */
    public static String setting(String backend) {
        return "refinery.eval.providers." + backend + ".api-key";
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
        if (!PUBLIC_URLS.containsKey(backend) || !configured(backend)) {
            throw new EvaluationFailure("EVAL_PROVIDER_NOT_CONFIGURED", "model '" + model + "' answers through " + backend
                    + "'s API, and this service has no API key for it: set " + setting(backend));
        }
        EvalConfig.ProviderEndpoint settings = settings(backend).orElseThrow();
        return new Endpoint(ProviderKind.fromWireName(backend), settings.baseUrl().orElse(PUBLIC_URLS.get(backend)), model,
                settings.apiKey().orElseThrow());
    }

    private Optional<EvalConfig.ProviderEndpoint> settings(String backend) {
        return Optional.ofNullable(config.providers().get(backend));
    }
}
