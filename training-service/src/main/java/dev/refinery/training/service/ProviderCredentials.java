package dev.refinery.training.service;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.refinery.kit.problem.ApiException;
import dev.refinery.training.backend.Backends;
import dev.refinery.providers.http.ApiKey;
import dev.refinery.training.config.TrainingSettings;
import dev.refinery.training.repository.TenantSecret;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.transaction.Transactional;

import java.io.IOException;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Which key a tenant's job uses on a provider: the tenant's own stored key first, else the deployment's from the
 * environment (a Kubernetes secret mounted as env), for the tenants the operator allows on it by name
 * ({@code refinery.training.deployment-key-tenants}). Keys travel as {@link ApiKey}, whose toString hides them, and
 * are never returned by the API nor written to a log.
 */
@ApplicationScoped
public class ProviderCredentials {

    private static final ObjectMapper JSON = new ObjectMapper();
    /** Far above any provider's key (Together's and OpenAI's are under 200 characters); it is stored, so it is bounded. */
    private static final int MAX_API_KEY = 1024;
    private static final int MAX_ACCOUNT_ID = 200;

    @Inject
    TrainingSettings settings;

    @Inject
    SecretBox box;

    /** A provider key and, for Fireworks, the account; {@code origin} is "tenant" or "environment". */
    public record Credentials(ApiKey apiKey, String accountId, String origin) {
    }

    @Transactional
    public Optional<Credentials> find(String tenantId, Backends.Hosted hosted) {
        String provider = hosted.name();
        Optional<TenantSecret> stored = TenantSecret.of(tenantId, provider);
        if (stored.isPresent()) {
            String json = box.open(new SecretBox.Sealed(stored.get().nonce, stored.get().ciphertext), tenantId, provider);
            try {
                JsonNode n = JSON.readTree(json);
                String account = n.hasNonNull("accountId") ? n.get("accountId").asText() : environment(hosted).accountId().orElse(null);
                return Optional.of(new Credentials(ApiKey.of(n.get("apiKey").asText()), account, "tenant"));
            } catch (IOException e) {
                throw new IllegalStateException("stored credentials are not JSON");
            }
        }
        if (!settings.deploymentKeyTenants().contains(tenantId)) {
            return Optional.empty(); // not allowed on the deployment's account: the tenant's own key or nothing
        }
        TrainingSettings.Provider env = environment(hosted);
        return env.apiKey().filter(k -> !k.isBlank())
                .map(k -> new Credentials(ApiKey.of(k), env.accountId().filter(a -> !a.isBlank()).orElse(null), "environment"));
    }

    /** Stores (or replaces) a tenant's credentials for a provider, encrypted. */
    @Transactional
    public void store(String tenantId, Backends.Hosted hosted, String apiKey, String accountId) {
        String provider = hosted.name();
        if (apiKey == null || apiKey.isBlank()) {
            throw ApiException.badRequest("TENANT_SECRET_INVALID", "send {\"apiKey\": \"...\"}" + (hosted.needsAccountId()
                    ? " and the \"accountId\"" : "")).with("field", "apiKey");
        }
        if (apiKey.length() > MAX_API_KEY || (accountId != null && accountId.length() > MAX_ACCOUNT_ID)) {
            boolean key = apiKey.length() > MAX_API_KEY;
            throw ApiException.badRequest("TENANT_SECRET_INVALID", (key ? "apiKey" : "accountId") + " may have at most "
                    + (key ? MAX_API_KEY : MAX_ACCOUNT_ID) + " characters").with("field", key ? "apiKey" : "accountId");
        }
        if (hosted.needsAccountId() && (accountId == null || accountId.isBlank()) && environment(hosted).accountId().isEmpty()) {
            throw ApiException.badRequest("TENANT_SECRET_INVALID", provider + " needs an accountId beside the key (" + hosted.keyVariable() + ")")
                    .with("field", "accountId");
        }
        Map<String, String> value = new LinkedHashMap<>();
        value.put("apiKey", apiKey.strip());
        if (accountId != null && !accountId.isBlank()) {
            value.put("accountId", accountId.strip());
        }
        SecretBox.Sealed sealed;
        try {
            sealed = box.seal(JSON.writeValueAsString(value), tenantId, provider);
        } catch (IOException e) {
            throw new IllegalStateException("cannot write credentials");
        }
        TenantSecret row = TenantSecret.of(tenantId, provider).orElseGet(TenantSecret::new);
        boolean fresh = row.tenantId == null;
        row.tenantId = tenantId;
        row.provider = provider;
        row.nonce = sealed.nonce();
        row.ciphertext = sealed.ciphertext();
        row.updatedAt = OffsetDateTime.now(ZoneOffset.UTC);
        if (fresh) {
            row.persist();
        }
    }

    @Transactional
    public boolean delete(String tenantId, String provider) {
        return TenantSecret.deleteById(new TenantSecret.Key(tenantId, provider));
    }

    @Transactional
    public Optional<OffsetDateTime> storedAt(String tenantId, String provider) {
        return TenantSecret.of(tenantId, provider).map(s -> s.updatedAt);
    }

    private TrainingSettings.Provider environment(Backends.Hosted hosted) {
        return hosted.settings().apply(settings.providers());
    }
}
