package dev.refinery.providers.fireworks;

import dev.refinery.providers.http.ApiKey;
import dev.refinery.providers.http.TransportSettings;

import java.net.URI;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * Settings of the Fireworks backend. {@code accountId} is the {@code FIREWORKS_ACCOUNT_ID} every control-plane
 * path starts with; files above {@code directUploadLimit} (150 MB, the documented {@code :upload} limit) go
 * through a signed URL.
 */
public record FireworksConfig(TransportSettings transport, Supplier<ApiKey> apiKey, String accountId, long directUploadLimit) {

    public static final URI DEFAULT_BASE_URI = URI.create("https://api.fireworks.ai/v1");
    public static final long DIRECT_UPLOAD_LIMIT = 150L * 1000 * 1000;

    public FireworksConfig {
        Objects.requireNonNull(accountId, "accountId");
        if (accountId.isBlank()) {
            throw new IllegalArgumentException("Fireworks needs an account id (FIREWORKS_ACCOUNT_ID)");
        }
    }

    public static FireworksConfig of(TransportSettings transport, Supplier<ApiKey> apiKey, String accountId) {
        return new FireworksConfig(transport, apiKey, accountId, DIRECT_UPLOAD_LIMIT);
    }

    public FireworksConfig withDirectUploadLimit(long bytes) {
        return new FireworksConfig(transport, apiKey, accountId, bytes);
    }
}
