package dev.refinery.gateway.rest;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.refinery.gateway.identity.ApiKey;

import java.time.OffsetDateTime;

/** The API types of keys: what a client sends to make one, and what it sees of one. */
final class KeyViews {

    private KeyViews() {
    }

    /**
     * {@code POST /v1/keys}: scope read, write or admin; project defaults to the caller's; no expiry unless given;
     * requestsPerMinute defaults to the deployment's.
     */
    record KeyRequest(String name, String scope, OffsetDateTime expiresAt, String project, Integer requestsPerMinute) {
    }

    /** A key as listed: never its secret. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    record KeyView(String id, String prefix, String project, String name, String scope, OffsetDateTime createdAt, String createdBy,
                   OffsetDateTime expiresAt, OffsetDateTime revokedAt, Integer requestsPerMinute) {

        static KeyView of(ApiKey k) {
            return new KeyView(k.id, k.prefix, k.projectId, k.name, k.scope, k.createdAt, k.createdBy, k.expiresAt, k.revokedAt,
                    k.requestsPerMinute);
        }
    }

    /** The answer to creating a key: the key itself, this once. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    record CreatedKeyView(String key, String id, String prefix, String project, String name, String scope, OffsetDateTime expiresAt,
                          String note) {

        static CreatedKeyView of(ApiKey k, String plaintext) {
            return new CreatedKeyView(plaintext, k.id, k.prefix, k.projectId, k.name, k.scope, k.expiresAt,
                    "store the key now: it is not shown again (only its prefix is kept readable)");
        }
    }
}
