package dev.refinery.eval.service;

import dev.refinery.eval.config.EvalConfig;
import dev.refinery.eval.inference.Endpoint;
import dev.refinery.eval.inference.ProviderKind;
import dev.refinery.identity.Caller;
import dev.refinery.identity.IdentityTokens;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.util.Map;
import java.util.Optional;

/**
 * Where a model that answers through an API is asked. With an inference-service ({@code refinery.eval.inference-url}, every
 * packaged deployment): there, as the project, like an application asks it — a version by its id, a base model or a judge
 * as {@code <backend>:<model>} — so that what is evaluated is what is served, with the project's own provider key. Without
 * one (a standalone eval-service): a provider's chat-completions URL (its public API, providers.md §4, unless configured
 * elsewhere) with the deployment's API key for it ({@code refinery.eval.providers.*}), or an OpenAI-compatible server the
 * operator configured ({@code refinery.eval.endpoints.*}), whose models are registered with the backend {@code endpoint:<name>}.
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

    @Inject
    IdentityTokens identities;

    /** How inference-service knows this service in its logs. */
    private static final String SELF = "eval-service";

    /** The backend of the models served by the operator's server {@code name}. */
    public static final String SERVER_PREFIX = "endpoint:";

    public static String serverBackend(String name) {
        return SERVER_PREFIX + name;
    }

    /**
     * Whether models {@code backend} keeps can be evaluated here: through inference-service (which asks them with the project's
     * key, or reports why not), or directly with a key configured for it, or it is a configured server.
     */
    public boolean configured(String backend) {
        if (backend.startsWith(SERVER_PREFIX)) {
            return server(backend).isPresent();
        }
        if (config.inferenceUrl().isPresent()) {
            return PUBLIC_URLS.containsKey(backend);
        }
        return settings(backend).flatMap(EvalConfig.ProviderEndpoint::apiKey).filter(k -> !k.isBlank()).isPresent();
    }

    /** The names of the operator's servers, sorted. */
    public java.util.List<String> serverNames() {
        return config.endpoints().keySet().stream().sorted().toList();
    }

    /** The setting a person sets so that models of {@code backend} are evaluated. */
    public String setting(String backend) {
        if (config.inferenceUrl().isPresent()) {
            return backend.startsWith(SERVER_PREFIX) ? "refinery.eval.endpoints." + backend.substring(SERVER_PREFIX.length())
                    + ".url here and refinery.inference.servers." + backend.substring(SERVER_PREFIX.length()) + ".url in inference-service"
                    : "the project's " + backend + " key (PUT /v1/tenants/{tenant}/secrets/" + backend + ")";
        }
        return backend.startsWith(SERVER_PREFIX) ? "refinery.eval.endpoints." + backend.substring(SERVER_PREFIX.length()) + ".url"
                : "refinery.eval.providers." + backend + ".api-key";
    }

    /**
     * @throws EvaluationFailure {@code EVAL_PROVIDER_NOT_CONFIGURED} when the backend has no key here, or is not a provider
     *                           with a chat-completions API
     */
    public Endpoint endpoint(String tenant, EvaluatedModel model) {
        if (config.inferenceUrl().isPresent() && !model.isBase()) {
            return door(tenant, model.versionId() != null ? model.versionId() : jobOf(model));
        }
        return endpoint(tenant, model.backend(), model.isBase() ? model.baseModel() : model.providerModel());
    }

    /** {@code model} as {@code backend} serves it (a model, or a judge), asked for {@code tenant}. */
    public Endpoint endpoint(String tenant, String backend, String model) {
        if (config.inferenceUrl().isPresent()) {
            if (!configured(backend)) {
                throw new EvaluationFailure("EVAL_PROVIDER_NOT_CONFIGURED", "model '" + model + "' answers through " + backend
                        + ", which has no chat-completions API");
            }
            return door(tenant, backend + ":" + model); // inference-service's name for a model a provider or server keeps
        }
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

    /** {@code model} as inference-service serves it to {@code tenant}, asked as this service on the project's behalf. */
    private Endpoint door(String tenant, String model) {
        String root = config.inferenceUrl().orElseThrow().replaceAll("/+$", "") + "/v1";
        return Endpoint.door(root, model, () -> identities.mint(Caller.serviceFor(SELF, tenant)));
    }

    /** A version recorded before the registry is named by its job: its name is the base model's, "+", the job id. */
    private static String jobOf(EvaluatedModel model) {
        return model.name().substring(model.name().lastIndexOf('+') + 1);
    }

    private Optional<EvalConfig.ServerEndpoint> server(String backend) {
        return Optional.ofNullable(config.endpoints().get(backend.substring(SERVER_PREFIX.length())));
    }

    private Optional<EvalConfig.ProviderEndpoint> settings(String backend) {
        return Optional.ofNullable(config.providers().get(backend));
    }
}
