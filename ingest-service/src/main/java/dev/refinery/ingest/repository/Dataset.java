package dev.refinery.ingest.repository;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import java.time.OffsetDateTime;
import java.util.Optional;

/** A stored dataset file (persistence model; never sent over the wire as is). */
@Entity
@Table(name = "dataset")
public class Dataset extends PanacheEntityBase {

    @Id
    public String id;

    @Column(nullable = false)
    public String name;

    @Column(nullable = false)
    public String bucket;

    @Column(name = "object_key", nullable = false)
    public String objectKey;

    @Column(name = "content_type")
    public String contentType;

    @Column(nullable = false)
    public long bytes;

    @Column(nullable = false)
    public long lines;

    @Column(nullable = false)
    public String sha256;

    @Column(name = "idempotency_key", unique = true)
    public String idempotencyKey;

    @Column(name = "created_at", nullable = false)
    public OffsetDateTime createdAt;

    public static Optional<Dataset> byIdempotencyKey(String key) {
        return find("idempotencyKey", key).firstResultOptional();
    }
}
