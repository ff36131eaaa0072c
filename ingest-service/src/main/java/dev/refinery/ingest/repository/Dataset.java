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

    /** The tenant (project) that owns the dataset; nobody else can read it, use it as a test set or derive from it. */
    @Column(nullable = false)
    public String tenant;

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

    /** Unique per tenant (with {@link #tenant}), never across tenants. */
    @Column(name = "idempotency_key")
    public String idempotencyKey;

    @Column(name = "created_at", nullable = false)
    public OffsetDateTime createdAt;

    /** The uploader's check options as JSON ({@code CheckChoices}); null when none were given. */
    @Column(columnDefinition = "TEXT")
    public String checks;

    /** The dataset this one was derived from (its clean subset); null for an upload. */
    @Column(name = "parent_dataset_id")
    public String parentDatasetId;

    /** The collection this dataset is a sealed version of; null for an upload or a clean subset. */
    @Column(name = "collection_id")
    public String collectionId;

    public static Optional<Dataset> cleanVersionOf(String parentId) {
        return find("parentDatasetId", parentId).firstResultOptional();
    }

    public static Optional<Dataset> byIdempotencyKey(String tenant, String key) {
        return find("tenant = ?1 and idempotencyKey = ?2", tenant, key).firstResultOptional();
    }

    /**
     * The dataset {@code id} if {@code tenant} may see it: its own, or any for an empty tenant (one of Refinery's
     * services). Another tenant's dataset is simply not found, like one that does not exist.
     */
    public static Optional<Dataset> visibleTo(Optional<String> tenant, String id) {
        return tenant.isEmpty()
                ? Dataset.<Dataset>findByIdOptional(id)
                : find("id = ?1 and tenant = ?2", id, tenant.get()).firstResultOptional();
    }
}
