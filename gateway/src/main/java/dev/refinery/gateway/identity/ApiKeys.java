package dev.refinery.gateway.identity;

import dev.refinery.kit.work.TransientFailures;
import dev.refinery.identity.KeyFormat;
import dev.refinery.identity.Scope;
import dev.refinery.kit.problem.ApiException;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.time.OffsetDateTime;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Checks presented keys and manages them. A lookup is cached per prefix for {@code refinery.auth.cache-ttl}
 * (also when the prefix is unknown, so random keys cannot make every request a database query); the check
 * of the secret against the stored hash happens on every request, in constant time.
 */
@ApplicationScoped
public class ApiKeys {

    /** How long a cached key outlives its cache time while the database cannot be asked. */
    private static final java.time.Duration STALE_GRACE = java.time.Duration.ofMinutes(5);

    /** Bounds the cache: random prefixes cannot make it grow without limit. */
    private static final int MAX_CACHED = 10_000;

    @Inject
    KeyStore store;

    @Inject
    AuthConfig config;

    private record Cached(Optional<KeyStore.StoredKey> key, long loadedAtNanos) {
    }

    private final Map<String, Cached> cache = new ConcurrentHashMap<>();

    /** A newly made key: the only time its secret is seen. */
    public record CreatedKey(ApiKey key, String plaintext) {
    }

    /** The identity behind a presented key; 401 for anything else, saying only what the key's holder may know. */
    public Identity authenticate(String presented) {
        String prefix = KeyFormat.prefixOf(presented).orElseThrow(ApiKeys::invalid);
        KeyStore.StoredKey key = lookup(prefix).filter(k -> KeyFormat.matches(presented, k.secretHash())).orElseThrow(ApiKeys::invalid);
        // From here on the caller holds the real key, so telling them why it no longer works reveals nothing.
        if (key.revokedAt() != null) {
            throw new ApiException(401, "AUTH_KEY_REVOKED", "Unauthorized", "this API key was revoked at " + key.revokedAt());
        }
        if (key.expiresAt() != null && !key.expiresAt().isAfter(OffsetDateTime.now())) {
            throw new ApiException(401, "AUTH_KEY_EXPIRED", "Unauthorized", "this API key expired at " + key.expiresAt());
        }
        return key.identity();
    }

    public CreatedKey create(Identity creator, String project, String name, Scope scope, OffsetDateTime expiresAt, Integer requestsPerMinute) {
        String target = project == null ? creator.project() : Projects.checkedId(project, "project");
        requireManaged(creator, target);
        if (expiresAt != null && !expiresAt.isAfter(OffsetDateTime.now())) {
            throw ApiException.badRequest("KEY_EXPIRY_INVALID", "expiresAt must be in the future").with("field", "expiresAt");
        }
        if (requestsPerMinute != null && (requestsPerMinute < 1 || requestsPerMinute > 1_000_000)) {
            throw ApiException.badRequest("KEY_RATE_INVALID", "requestsPerMinute must be 1 to 1000000").with("field", "requestsPerMinute");
        }
        String plaintext = KeyFormat.generate();
        return new CreatedKey(store.insert(target, name, scope, expiresAt, requestsPerMinute, plaintext, creator.keyPrefix()), plaintext);
    }

    public List<ApiKey> list(Identity caller, String project) {
        String target = project == null ? caller.project() : Projects.checkedId(project, "project");
        requireManaged(caller, target);
        return store.keysOf(target);
    }

    public ApiKey revoke(Identity caller, String keyId) {
        ApiKey key = store.revoke(keyId, caller.isOperator() ? null : caller.project());
        cache.remove(key.prefix);
        return key;
    }

    /** A key manages its own project's keys; the operator any project's. Another project reads as one that does not exist. */
    private void requireManaged(Identity caller, String project) {
        boolean allowed = caller.project().equals(project) || caller.isOperator();
        if (!allowed || store.organizationOf(project).isEmpty()) {
            throw ApiException.notFound("PROJECT_NOT_FOUND", "no project " + project).with("field", "project");
        }
    }

    private Optional<KeyStore.StoredKey> lookup(String prefix) {
        long now = System.nanoTime();
        Cached cached = cache.get(prefix);
        if (cached != null && now - cached.loadedAtNanos() < config.cacheTtl().toNanos()) {
            return cached.key();
        }
        if (cache.size() >= MAX_CACHED) {
            cache.clear();
        }
        Optional<KeyStore.StoredKey> key;
        try {
            key = store.byPrefix(prefix);
        } catch (RuntimeException e) {
            if (!TransientFailures.isTransient(e)) {
                throw e; // a bug is not an outage: it must not be answered from a stale cache
            }
            // The database is away: a key seen in the last few minutes keeps working (it cannot be revoked meanwhile
            // either: revoking needs the database too); an unknown one waits for it.
            if (cached != null && now - cached.loadedAtNanos() < STALE_GRACE.toNanos()) {
                return cached.key();
            }
            throw new ApiException(503, "AUTH_UNAVAILABLE", "Service unavailable",
                    "API keys cannot be checked for the moment; try again shortly").retryAfter(5);
        }
        cache.put(prefix, new Cached(key, now));
        return key;
    }

    static ApiException invalid() {
        return new ApiException(401, "AUTH_INVALID", "Unauthorized", "the API key is not valid");
    }
}
