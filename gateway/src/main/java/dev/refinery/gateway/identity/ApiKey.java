package dev.refinery.gateway.identity;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import java.time.OffsetDateTime;
import java.util.Optional;

/** A stored API key: never the key itself, only its hash and its visible prefix. */
@Entity
@Table(name = "api_keys")
public class ApiKey extends PanacheEntityBase {

    @Id
    public String id;

    @Column(name = "project_id", nullable = false)
    public String projectId;

    @Column(nullable = false)
    public String prefix;

    @Column(name = "secret_hash", nullable = false)
    public byte[] secretHash;

    /** read, write or admin. */
    @Column(nullable = false)
    public String scope;

    @Column(nullable = false)
    public String name;

    @Column(name = "created_at", nullable = false)
    public OffsetDateTime createdAt;

    /** The prefix of the key that created this one ("configuration" for the bootstrap key). */
    @Column(name = "created_by", nullable = false)
    public String createdBy;

    @Column(name = "expires_at")
    public OffsetDateTime expiresAt;

    @Column(name = "revoked_at")
    public OffsetDateTime revokedAt;

    /** Requests a minute this key may make; null: the deployment's setting. */
    @Column(name = "requests_per_minute")
    public Integer requestsPerMinute;

    public static Optional<ApiKey> byPrefix(String prefix) {
        return find("prefix", prefix).firstResultOptional();
    }
}
