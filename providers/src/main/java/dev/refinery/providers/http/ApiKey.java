package dev.refinery.providers.http;

import java.util.Objects;

/**
 * A provider API key. Its {@code toString} shows only that a key is there, so logging a config object, an
 * exception or a request description can never print it; only the transport reads {@link #reveal()}.
 */
public final class ApiKey {

    private final String secret;

    private ApiKey(String secret) {
        this.secret = secret;
    }

    public static ApiKey of(String secret) {
        Objects.requireNonNull(secret, "secret");
        if (secret.isBlank()) {
            throw new IllegalArgumentException("an API key cannot be blank");
        }
        return new ApiKey(secret.trim());
    }

    /** For the Authorization header only. */
    public String reveal() {
        return secret;
    }

    @Override
    public String toString() {
        return "ApiKey[****]";
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ApiKey other && secret.equals(other.secret);
    }

    @Override
    public int hashCode() {
        return secret.hashCode();
    }
}
