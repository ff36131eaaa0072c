package dev.refinery.training.backend;

import dev.refinery.catalog.CatalogException;
import dev.refinery.catalog.CatalogModel;
import dev.refinery.kit.problem.ApiException;
import dev.refinery.providers.fireworks.FireworksBackend;
import dev.refinery.providers.fireworks.FireworksConfig;
import dev.refinery.providers.http.ApiKey;
import dev.refinery.providers.http.RetryPolicy;
import dev.refinery.providers.http.Sleeper;
import dev.refinery.providers.http.TransportSettings;
import dev.refinery.providers.kubernetes.KubernetesTrainerBackend;
import dev.refinery.providers.openai.OpenAiBackend;
import dev.refinery.providers.openai.OpenAiConfig;
import dev.refinery.providers.spi.Capabilities;
import dev.refinery.providers.spi.TrainingBackend;
import dev.refinery.providers.together.TogetherBackend;
import dev.refinery.providers.together.TogetherConfig;
import dev.refinery.training.backend.kubernetes.KubernetesWorker;
import dev.refinery.training.backend.local.EngineModels;
import dev.refinery.training.backend.local.LocalEngineBackend;
import dev.refinery.training.config.TrainingSettings;
import dev.refinery.training.service.CatalogHolder;
import dev.refinery.training.service.ProviderCredentials;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.net.URI;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * The one place that lists the backends a job can train on, and the only class outside the backends' own packages that
 * names one. Everything else in the service asks these for a backend and decides by its {@link Capabilities}.
 *
 * <ul>
 *   <li>{@code local}: the built-in engine, in this process (the default);</li>
 *   <li>{@code together}, {@code fireworks}, {@code openai}: hosted providers, with the tenant's key or the deployment's;</li>
 *   <li>{@code kubernetes}: the GPU trainer of deploy/trainer as cluster Jobs (off unless enabled).</li>
 * </ul>
 */
@ApplicationScoped
public class Backends {

    public static final String LOCAL = "local";
    private static final String TOGETHER = "together";
    private static final String FIREWORKS = "fireworks";
    private static final String OPENAI = "openai";
    private static final String KUBERNETES = KubernetesTrainerBackend.NAME;

    /** How a tenant reaches a hosted provider: the deployment's settings for it, the variables of its key, and how to build a client. */
    public record Hosted(String name, Function<TrainingSettings.Providers, TrainingSettings.Provider> settings, String keyVariable,
                         boolean needsAccountId, URI defaultBaseUri, ClientFactory factory) {
    }

    /** Builds a hosted backend's client for one key. */
    @FunctionalInterface
    public interface ClientFactory {
        TrainingBackend build(TransportSettings transport, ApiKey key, String accountId);
    }

    private static final Map<String, Hosted> HOSTED = hosted();

    private static Map<String, Hosted> hosted() {
        Map<String, Hosted> m = new LinkedHashMap<>();
        m.put(TOGETHER, new Hosted(TOGETHER, TrainingSettings.Providers::together, "TOGETHER_API_KEY", false, TogetherConfig.DEFAULT_BASE_URI,
                (t, key, account) -> new TogetherBackend(TogetherConfig.of(t, () -> key))));
        m.put(FIREWORKS, new Hosted(FIREWORKS, TrainingSettings.Providers::fireworks, "FIREWORKS_API_KEY (and FIREWORKS_ACCOUNT_ID)", true,
                FireworksConfig.DEFAULT_BASE_URI, (t, key, account) -> new FireworksBackend(FireworksConfig.of(t, () -> key, account))));
        m.put(OPENAI, new Hosted(OPENAI, TrainingSettings.Providers::openai, "OPENAI_API_KEY", false, OpenAiConfig.DEFAULT_BASE_URI,
                (t, key, account) -> new OpenAiBackend(OpenAiConfig.of(t, () -> key))));
        return Map.copyOf(m);
    }

    private static final Map<String, Capabilities> CAPABILITIES = Map.of(
            LOCAL, LocalEngineBackend.CAPABILITIES,
            TOGETHER, TogetherBackend.CAPABILITIES,
            FIREWORKS, FireworksBackend.CAPABILITIES,
            OPENAI, OpenAiBackend.CAPABILITIES,
            KUBERNETES, KubernetesTrainerBackend.CAPABILITIES);

    /** Every backend, in the order error messages list them. */
    public static final List<String> ALL = List.of(LOCAL, TOGETHER, FIREWORKS, OPENAI, KUBERNETES);

    @Inject
    TrainingSettings settings;

    @Inject
    ProviderCredentials credentials;

    @Inject
    KubernetesWorker kubernetes;

    @Inject
    LocalEngineBackend local;

    @Inject
    EngineModels engineModels;

    @Inject
    CatalogHolder catalog;

    private final Map<String, TrainingBackend> clients = new ConcurrentHashMap<>();

    public static boolean isKnown(String backend) {
        return CAPABILITIES.containsKey(backend);
    }

    /** What a backend can do; the same for every tenant. */
    public static Capabilities capabilities(String backend) {
        Capabilities c = CAPABILITIES.get(backend);
        if (c == null) {
            throw new IllegalArgumentException("no backend " + backend);
        }
        return c;
    }

    /** Providers a tenant can store a key for. */
    public static List<String> keyed() {
        return List.copyOf(HOSTED.keySet());
    }

    public static Optional<Hosted> hosted(String backend) {
        return Optional.ofNullable(HOSTED.get(backend));
    }

    /**
     * The backend a tenant's job runs on. Refused here, before anything is recorded or sent: a hosted provider without a
     * key for the tenant (422 {@code JOB_PROVIDER_KEY_MISSING} naming the variable), the cluster while it is off
     * (422 {@code JOB_BACKEND_NOT_CONFIGURED} naming the setting).
     */
    public TrainingBackend forTenant(String tenantId, String backend) {
        if (LOCAL.equals(backend)) {
            return local;
        }
        if (KUBERNETES.equals(backend)) {
            return kubernetes.backend();
        }
        Hosted hosted = hosted(backend).orElseThrow(() -> new IllegalArgumentException("no backend " + backend));
        ProviderCredentials.Credentials c = credentials.find(tenantId, hosted).orElseThrow(() -> missingKey(tenantId, hosted));
        if (hosted.needsAccountId() && (c.accountId() == null || c.accountId().isBlank())) {
            throw ApiException.unprocessable("JOB_PROVIDER_KEY_MISSING", backend + " needs an account id beside the key: set "
                    + hosted.keyVariable() + " or store {apiKey, accountId} with PUT /tenants/" + tenantId + "/secrets/" + backend)
                    .with("provider", backend);
        }
        // The key's hash only tells cache entries apart; the key itself stays in the ApiKey.
        String cacheKey = backend + "|" + c.apiKey().hashCode() + "|" + c.accountId();
        return clients.computeIfAbsent(cacheKey, k -> hosted.factory().build(transport(hosted), c.apiKey(), c.accountId()));
    }

    /** 422 {@code JOB_BACKEND_NOT_CONFIGURED} for a backend this process has switched off. */
    public void requireEnabled(String backend) {
        if (KUBERNETES.equals(backend)) {
            kubernetes.backend();
        }
    }

    /**
     * Whether this process can work on jobs of that backend now. A cluster job left unfinished by a process that had the
     * backend on is kept as it is (not failed) by one that has it off: its pod may well still be training.
     */
    public boolean canWorkOn(String backend) {
        return !KUBERNETES.equals(backend) || kubernetes.available();
    }

    /** Stops the work this process does itself (the engine's pool) by the one shutdown rule. */
    public void stopLocalWork(Duration grace) {
        local.stop(grace);
    }

    /** The base model of a job that names none: the local engine's default; the others need one. */
    public Optional<String> defaultModel(String backend) {
        return LOCAL.equals(backend) ? Optional.of(settings.defaultBaseModel()) : Optional.empty();
    }

    /**
     * A base model of a backend with its limits: the engine's models folder (local), the catalog (hosted), or whatever
     * the trainer image can load (the cluster: no limits known, so empty).
     *
     * @throws CatalogException when the backend knows no such model
     */
    public Optional<CatalogModel> model(String backend, String id) {
        if (KUBERNETES.equals(backend)) {
            return Optional.empty();
        }
        if (LOCAL.equals(backend)) {
            return Optional.of(engineModels.require(id));
        }
        return Optional.of(catalog.get().require(backend, id));
    }

    /** The model ids a backend offers, for error messages (none listed for the cluster). */
    public List<String> modelIds(String backend) {
        if (KUBERNETES.equals(backend)) {
            return List.of();
        }
        return LOCAL.equals(backend) ? engineModels.ids() : catalog.get().list(backend).stream().map(CatalogModel::id).toList();
    }

    /** How to name a model on a backend without a catalog, for the message that asks for one. */
    public String modelHint(String backend) {
        return KUBERNETES.equals(backend)
                ? "a Hugging Face Hub id (e.g. meta-llama/Llama-3.2-1B-Instruct) or a folder under the trainer's REFINERY_TRAINER_MODELS_DIR"
                : String.valueOf(modelIds(backend));
    }

    private TransportSettings transport(Hosted hosted) {
        TrainingSettings.Providers p = settings.providers();
        URI base = hosted.settings().apply(p).baseUrl().filter(u -> !u.isBlank()).map(URI::create).orElse(hosted.defaultBaseUri());
        RetryPolicy retry = new RetryPolicy(p.maxRetries(), p.retryInitialDelay(), Duration.ofSeconds(8), Duration.ofSeconds(60));
        TransportSettings t = TransportSettings.defaults(base).withRetry(retry, Sleeper.REAL)
                .withTimeouts(Duration.ofSeconds(10), p.requestTimeout()).withMaxConcurrentRequests(p.maxConcurrentRequests());
        return new TransportSettings(t.baseUri(), t.connectTimeout(), t.requestTimeout(), p.uploadTimeout(), t.retry(), t.sleeper(), t.clock(),
                t.maxConcurrentRequests());
    }

    private static ApiException missingKey(String tenantId, Hosted hosted) {
        return ApiException.unprocessable("JOB_PROVIDER_KEY_MISSING", "no " + hosted.name() + " API key for tenant " + tenantId
                        + ": store one with PUT /v1/tenants/" + tenantId + "/secrets/" + hosted.name() + " (the deployment's own "
                        + hosted.keyVariable() + " serves only the tenants the operator names in refinery.training.deployment-key-tenants)")
                .with("provider", hosted.name());
    }
}
