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
 * A model a succeeded fine-tuning job produced, with where it came from (dataset, job, backend) and where it is, or a model an
 * operator's OpenAI-compatible server answers, registered by hand (no job, no dataset; backend {@code endpoint:<server>})
 * (persistence model). Versions are never changed or deleted: aliases and promotions point at them.
 */
@Entity
@Table(name = "model_version")
public class ModelVersion extends PanacheEntityBase {

    @Id
    public String id;

    @Column(nullable = false)
    public String tenant;

    /** Null for a model registered from a server. */
    @Column(name = "job_id")
    public String jobId;

    /** The dataset it was trained on; null for a model registered from a server. */
    @Column(name = "dataset_id")
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

    /** The job-completed event that registered it; null for one registered by hand. */
    @Column(name = "source_event_id")
    public String sourceEventId;

    /** Who registered it by hand (key prefix or token subject); null for a job's version. */
    @Column(name = "registered_by")
    public String registeredBy;

    @Column(name = "created_at", nullable = false)
    public OffsetDateTime createdAt;

    /** The version {@code id} if {@code tenant} owns it: another tenant's is as absent as one that does not exist. */
    public static Optional<ModelVersion> owned(String tenant, String id) {
        return find("id = ?1 and tenant = ?2", id, tenant).firstResultOptional();
    }

    public static Optional<ModelVersion> ofJob(String jobId) {
        return find("jobId", jobId).firstResultOptional();
    }

    /** The version {@code tenant} registered for the model {@code model} of the server backend {@code backend}. */
    public static Optional<ModelVersion> served(String tenant, String backend, String model) {
        return find("tenant = ?1 and backend = ?2 and providerModel = ?3 and jobId is null", tenant, backend, model).firstResultOptional();
    }

    public static List<ModelVersion> newest(String tenant, int limit) {
        return find("tenant = ?1 order by createdAt desc, id", tenant).page(0, limit).list();
    }

    /** The name evaluations and events give it: its base model + "+" + its job, or the server's model name + "@" + the server. */
    public String displayName() {
        return jobId != null ? baseModel + "+" + jobId : providerModel + "@" + backend.substring(backend.indexOf(':') + 1);
    }
}
