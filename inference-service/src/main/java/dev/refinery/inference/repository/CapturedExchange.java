package dev.refinery.inference.repository;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import java.time.OffsetDateTime;
import java.util.Optional;

/** One answered chat completion as it was stored (redacted already). */
@Entity
@Table(name = "captured_exchange")
public class CapturedExchange extends PanacheEntityBase {

    /** The chatcmpl-... id the response carried. */
    @Id
    public String id;

    @Column(nullable = false)
    public String tenant;

    /** What the request named: an alias, a version, a job or a base model. */
    @Column(name = "requested_model", nullable = false)
    public String requestedModel;

    /** What answered: the version's id or the base model's. */
    @Column(name = "served_model", nullable = false)
    public String servedModel;

    @Column(name = "version_id")
    public String versionId;

    @Column(name = "base_model", nullable = false)
    public String baseModel;

    /** The request's messages, a JSON array of {role, content}. */
    @Column(nullable = false)
    public String messages;

    @Column(name = "prompt_hash", nullable = false)
    public String promptHash;

    @Column(nullable = false)
    public String output;

    @Column(name = "finish_reason", nullable = false)
    public String finishReason;

    @Column(name = "prompt_tokens", nullable = false)
    public int promptTokens;

    @Column(name = "completion_tokens", nullable = false)
    public int completionTokens;

    @Column(name = "latency_ms", nullable = false)
    public long latencyMs;

    @Column(name = "time_to_first_token_ms")
    public Long timeToFirstTokenMs;

    @Column(nullable = false)
    public boolean streamed;

    @Column(name = "created_at", nullable = false)
    public OffsetDateTime createdAt;

    /** The project's exchange; another project's is as unknown as none. */
    public static Optional<CapturedExchange> of(String tenant, String id) {
        return find("id = ?1 and tenant = ?2", id, tenant).firstResultOptional();
    }
}
