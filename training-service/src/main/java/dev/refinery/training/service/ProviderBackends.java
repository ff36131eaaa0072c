package dev.refinery.training.service;

import dev.refinery.kit.problem.ApiException;
import dev.refinery.providers.fireworks.FireworksBackend;
import dev.refinery.providers.fireworks.FireworksConfig;
import dev.refinery.providers.http.ApiKey;
import dev.refinery.providers.kubernetes.KubernetesTrainerBackend;
import dev.refinery.providers.http.RetryPolicy;
import dev.refinery.providers.http.Sleeper;
import dev.refinery.providers.http.TransportSettings;
import dev.refinery.providers.openai.OpenAiBackend;
import dev.refinery.providers.openai.OpenAiConfig;
import dev.refinery.providers.spi.TrainingBackend;
import dev.refinery.providers.together.TogetherBackend;
import dev.refinery.providers.together.TogetherConfig;
import dev.refinery.training.config.TrainingSettings;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The hosted-provider backends, one per provider and credentials (so a tenant with its own key gets its own client,
 * and the HTTP client of each is reused). Base URLs and retry settings come from configuration. The {@code kubernetes}
 * backend (our own trainer on the cluster) needs no key: {@link KubernetesWorker} holds it.
 */
@ApplicationScoped
public class ProviderBackends {

    public static final List<String> HOSTED = List.of("together", "fireworks", "openai");

    @Inject
    TrainingSettings settings;

    @Inject
    ProviderCredentials credentials;

    @Inject
    KubernetesWorker kubernetes;

    private final Map<String, TrainingBackend> built = new ConcurrentHashMap<>();

    public static boolean isHosted(String backend) {
        return HOSTED.contains(backend);
    }

    /**
     * The backend a tenant's job runs on. A tenant with no key of its own and a deployment without one is refused
     * here, before anything is recorded or sent: 422 {@code JOB_PROVIDER_KEY_MISSING} naming the variable to set.
     */
    public TrainingBackend forTenant(String tenantId, String provider) {
        if (KubernetesTrainerBackend.NAME.equals(provider)) {
            return kubernetes.backend(); // the cluster's, the same for every tenant; 422 naming the setting when it is off
        }
        ProviderCredentials.Credentials c = credentials.find(tenantId, provider).orElseThrow(() -> missingKey(tenantId, provider));
        if ("fireworks".equals(provider) && (c.accountId() == null || c.accountId().isBlank())) {
            throw ApiException.unprocessable("JOB_PROVIDER_KEY_MISSING", "Fireworks needs an account id beside the key: set "
                    + "FIREWORKS_ACCOUNT_ID or store {apiKey, accountId} with PUT /tenants/" + tenantId + "/secrets/fireworks")
                    .with("provider", provider);
        }
        // The key's hash only tells cache entries apart; the key itself stays in the ApiKey.
        String cacheKey = provider + "|" + c.apiKey().hashCode() + "|" + c.accountId();
        return built.computeIfAbsent(cacheKey, k -> build(provider, c.apiKey(), c.accountId()));
    }

    /**
     * Whether this process can follow jobs of that backend now. A kubernetes job left unfinished by a process that had the
     * backend enabled is kept as it is (not failed) by one that has not: its pod may well still be training.
     */
    public boolean canFollow(String backend) {
        return !KubernetesTrainerBackend.NAME.equals(backend) || kubernetes.available();
    }

    private TrainingBackend build(String provider, ApiKey key, String accountId) {
        TrainingSettings.Providers p = settings.providers();
        return switch (provider) {
            case "together" -> new TogetherBackend(TogetherConfig.of(transport(p.together(), TogetherConfig.DEFAULT_BASE_URI), () -> key));
            case "fireworks" -> new FireworksBackend(FireworksConfig.of(transport(p.fireworks(), FireworksConfig.DEFAULT_BASE_URI), () -> key, accountId));
            case "openai" -> new OpenAiBackend(OpenAiConfig.of(transport(p.openai(), OpenAiConfig.DEFAULT_BASE_URI), () -> key));
            default -> throw new IllegalArgumentException("not a hosted provider: " + provider);
        };
    }

    private TransportSettings transport(TrainingSettings.Provider provider, URI fallback) {
        TrainingSettings.Providers p = settings.providers();
        URI base = provider.baseUrl().filter(u -> !u.isBlank()).map(URI::create).orElse(fallback);
        RetryPolicy retry = new RetryPolicy(p.maxRetries(), p.retryInitialDelay(), Duration.ofSeconds(8), Duration.ofSeconds(60));
        TransportSettings t = TransportSettings.defaults(base).withRetry(retry, Sleeper.REAL)
                .withTimeouts(Duration.ofSeconds(10), p.requestTimeout()).withMaxConcurrentRequests(p.maxConcurrentRequests());
        return new TransportSettings(t.baseUri(), t.connectTimeout(), t.requestTimeout(), p.uploadTimeout(), t.retry(), t.sleeper(), t.clock(),
                t.maxConcurrentRequests());
    }

    private static ApiException missingKey(String tenantId, String provider) {
        String variable = switch (provider) {
            case "together" -> "TOGETHER_API_KEY";
            case "fireworks" -> "FIREWORKS_API_KEY (and FIREWORKS_ACCOUNT_ID)";
            default -> "OPENAI_API_KEY";
        };
        return ApiException.unprocessable("JOB_PROVIDER_KEY_MISSING", "no " + provider + " API key for tenant " + tenantId
                        + ": store one with PUT /tenants/" + tenantId + "/secrets/" + provider + " or set " + variable + " on the service")
                .with("provider", provider);
    }
}
