package dev.refinery.eval.repository;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import jakarta.persistence.Version;

import java.time.OffsetDateTime;
import java.util.List;
import java.util.Optional;

/** An evaluation of a fine-tuned model against its base (persistence model; never sent over the wire as is). */
@Entity
@Table(name = "evaluation")
public class Evaluation extends PanacheEntityBase {

    @Id
    public String id;

    /** The project that owns it (and its per-item results): its job's tenant. The API shows it to no other. */
    @Column(nullable = false)
    public String tenant;

    @Column(name = "job_id", nullable = false)
    public String jobId;

    @Column(name = "dataset_id", nullable = false)
    public String datasetId;

    @Column(name = "base_model", nullable = false)
    public String baseModel;

    @Column(nullable = false)
    public String bucket;

    /** What is evaluated against the base. */
    @Enumerated(EnumType.STRING)
    @Column(name = "artifact_type", nullable = false)
    public ArtifactType artifactType;

    /** Its folder in {@link #bucket}: {@code jobs/{jobId}/adapter/} or {@code jobs/{jobId}/model/}. */
    @Column(name = "artifact_key", nullable = false)
    public String artifactKey;

    /** CloudEvents id of the job-completed event that asked for it. */
    @Column(name = "source_event_id", nullable = false)
    public String sourceEventId;

    @Enumerated(EnumType.STRING)
    @Column(nullable = false)
    public EvaluationStatus status;

    @Column(nullable = false)
    public String metric;

    @Column(name = "max_tokens", nullable = false)
    public int maxTokens;

    @Column(name = "max_items", nullable = false)
    public int maxItems;

    public Integer items;

    @Column(name = "baseline_model")
    public String baselineModel;

    @Column(name = "candidate_model")
    public String candidateModel;

    @Column(name = "baseline_mean")
    public Double baselineMean;

    @Column(name = "candidate_mean")
    public Double candidateMean;

    @Column(name = "baseline_loss")
    public Double baselineLoss;

    @Column(name = "candidate_loss")
    public Double candidateLoss;

    @Column(name = "difference_mean")
    public Double differenceMean;

    @Column(name = "ci_low")
    public Double ciLow;

    @Column(name = "ci_high")
    public Double ciHigh;

    public Double confidence;

    @Enumerated(EnumType.STRING)
    public Verdict verdict;

    @Column(name = "items_key")
    public String itemsKey;

    @Column(name = "failure_code")
    public String failureCode;

    @Column(name = "failure_reason", columnDefinition = "TEXT")
    public String failureReason;

    /**
     * Attempts started, as the API shows them: the number of the evaluation's work-lease claim that started last (the
     * lease, kind {@code evaluation}, holds who runs it and why its last attempt stopped).
     */
    @Column(nullable = false)
    public int attempts;

    @Column(name = "created_at", nullable = false)
    public OffsetDateTime createdAt;

    @Column(name = "started_at")
    public OffsetDateTime startedAt;

    @Column(name = "finished_at")
    public OffsetDateTime finishedAt;

    /** Optimistic lock: a writer that forgot to take the lease's lock cannot silently overwrite another's update. */
    @Version
    public long version;

    /** The evaluation {@code id} if {@code tenant} owns it: another tenant's is as absent as one that does not exist. */
    public static Optional<Evaluation> owned(String tenant, String id) {
        return find("id = ?1 and tenant = ?2", id, tenant).firstResultOptional();
    }

    public static List<Evaluation> byJob(String tenant, String jobId, int limit) {
        return find("tenant = ?1 and jobId = ?2 order by createdAt desc, id", tenant, jobId).page(0, limit).list();
    }

    public static List<Evaluation> newest(String tenant, int limit) {
        return find("tenant = ?1 order by createdAt desc, id", tenant).page(0, limit).list();
    }

    /** Across tenants: a job id is unique platform-wide, and one job gets one evaluation whoever owns it. */
    public static boolean existsForJob(String jobId) {
        return count("jobId", jobId) > 0;
    }
}
