package dev.refinery.eval.repository;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import java.time.OffsetDateTime;
import java.util.List;
import java.util.Optional;

/**
 * A model a succeeded fine-tuning job produced, with where it came from (dataset, job, backend) and where it is (persistence
 * model). Versions are never changed or deleted: aliases and promotions point at them.
 */
@Entity
@Table(name = "model_version")
public class ModelVersion extends PanacheEntityBase {

    @Id
    public String id;

    @Column(nullable = false)
    public String tenant;

    @Column(name = "job_id", nullable = false)
    public String jobId;

    @Column(name = "dataset_id", nullable = false)
    public String datasetId;

    @Column(name = "base_model", nullable = false)
    public String baseModel;

    @Column(nullable = false)
    public String backend;

    @Enumerated(EnumType.STRING)
    @Column(name = "artifact_type", nullable = false)
    public ArtifactType artifactType;

    /** Bucket and folder of an adapter or whole model; null for a provider's model. */
    public String bucket;

    @Column(name = "artifact_key")
    public String artifactKey;

    /** The provider's name for a model it keeps; null otherwise. */
    @Column(name = "provider_model")
    public String providerModel;

    @Column(name = "source_event_id", nullable = false)
    public String sourceEventId;

    @Column(name = "created_at", nullable = false)
    public OffsetDateTime createdAt;

    /** The version {@code id} if {@code tenant} owns it: another tenant's is as absent as one that does not exist. */
    public static Optional<ModelVersion> owned(String tenant, String id) {
        return find("id = ?1 and tenant = ?2", id, tenant).firstResultOptional();
    }

    public static Optional<ModelVersion> ofJob(String jobId) {
        return find("jobId", jobId).firstResultOptional();
    }

    public static List<ModelVersion> newest(String tenant, int limit) {
        return find("tenant = ?1 order by createdAt desc, id", tenant).page(0, limit).list();
    }

    /** The name evaluations and events give it: its base model + "+" + its job. */
    public String displayName() {
        return baseModel + "+" + jobId;
    }
}
