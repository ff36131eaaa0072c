package dev.refinery.training.repository;

import dev.refinery.identity.Tenants;
import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import io.quarkus.panache.common.Parameters;
import org.hibernate.annotations.JdbcTypeCode;
import org.hibernate.type.SqlTypes;
import java.math.BigDecimal;
import dev.refinery.catalog.TrainingMethod;
import jakarta.persistence.Column;
import jakarta.persistence.Convert;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.Version;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import java.time.OffsetDateTime;
import java.util.List;
import java.util.Optional;

/** A fine-tuning job (persistence model; never sent over the wire as is). */
@Entity
@Table(name = "job")
public class Job extends PanacheEntityBase {

    @Id
    public String id;

    @Column(name = "dataset_id", nullable = false)
    public String datasetId;

    @Column(name = "base_model", nullable = false)
    public String baseModel;

    @Column(nullable = false)
    public String backend;

    @Enumerated(EnumType.STRING)
    @Column(nullable = false)
    public JobStatus status;

    @Column(name = "idempotency_key", unique = true)
    public String idempotencyKey;

    /** Attempts started so far: the work lease's attempt number when the current one began. */
    @Column(nullable = false)
    public int attempts;

    /**
     * Optimistic lock: every writer takes the row lock ({@code PESSIMISTIC_WRITE}) first; one that forgets fails with an
     * optimistic-lock error instead of silently overwriting a concurrent change (a cancel, a takeover).
     */
    @Version
    @Column(nullable = false)
    public long version;

    @Column(name = "created_at", nullable = false)
    public OffsetDateTime createdAt;

    @Column(name = "started_at")
    public OffsetDateTime startedAt;

    @Column(name = "finished_at")
    public OffsetDateTime finishedAt;

    @Column(name = "current_step")
    public Integer currentStep;

    @Column(name = "total_steps")
    public Integer totalSteps;

    public Double epoch;

    @Column(name = "train_loss")
    public Double trainLoss;

    @Column(name = "eta_seconds")
    public Double etaSeconds;

    @Column(name = "progress_at")
    public OffsetDateTime progressAt;

    /** Step of the newest checkpoint completely stored in object storage. */
    @Column(name = "checkpoint_step")
    public Integer checkpointStep;

    /** The bucket of {@link #artifactKey}. */
    public String bucket;

    /** What a SUCCEEDED job produced: {@code lora-adapter} or {@code full-model} (see {@link ArtifactType}). */
    @Column(name = "artifact_type")
    public String artifactType;

    /** Its object-storage prefix in {@link #bucket} when it is ours (jobs/{id}/adapter/ or jobs/{id}/model/); null when it stays at the provider ({@link #outputModel}). */
    @Column(name = "artifact_key")
    public String artifactKey;

    public Integer steps;

    @Column(name = "final_train_loss")
    public Double finalTrainLoss;

    @Column(name = "final_validation_loss")
    public Double finalValidationLoss;

    @Column(name = "failure_code")
    public String failureCode;

    @Column(name = "failure_reason", columnDefinition = "TEXT")
    public String failureReason;

    @Convert(converter = TrainingMethodColumn.class)
    @Column(nullable = false)
    public TrainingMethod method = TrainingMethod.SFT;

    @Column(name = "tenant_id", nullable = false)
    public String tenantId = Tenants.DEFAULT;

    /**
     * JSONB {"values": {...}, "sources": {...}}: the effective spec, every setting the job runs with and where it came from
     * (user, catalog_default, provider_default, from_job), on every backend.
     */
    @JdbcTypeCode(SqlTypes.JSON)
    @Column(name = "effective_spec", columnDefinition = "jsonb")
    public String effectiveSpec;

    /** JSONB: the request as accepted, so a re-run submits the same spec. */
    @JdbcTypeCode(SqlTypes.JSON)
    @Column(columnDefinition = "jsonb")
    public String request;

    @Column(name = "from_job_id")
    public String fromJobId;

    /** The job this one repeats (POST /jobs/{id}/rerun), possibly on another backend or base model; null for a job submitted anew. */
    @Column(name = "rerun_of_job_id")
    public String rerunOfJobId;

    /** The per-job cap in US dollars the request set, or null. */
    @Column(name = "budget_usd")
    public BigDecimal budgetUsd;

    @Column(name = "estimate_low_usd")
    public BigDecimal estimateLowUsd;

    @Column(name = "estimate_expected_usd")
    public BigDecimal estimateExpectedUsd;

    @Column(name = "estimate_high_usd")
    public BigDecimal estimateHighUsd;

    @Column(name = "estimate_note", columnDefinition = "TEXT")
    public String estimateNote;

    /** What the provider itself reports the job cost (never our estimate). */
    @Column(name = "actual_cost_usd")
    public BigDecimal actualCostUsd;

    @Column(name = "actual_cost_source", columnDefinition = "TEXT")
    public String actualCostSource;

    /** The provider's id of the job; set once created there, never created again while set. */
    @Column(name = "provider_job_id")
    public String providerJobId;

    /** The provider's own status word, beside the canonical {@link #status}. */
    @Column(name = "raw_status")
    public String rawStatus;

    @Column(name = "state_note", columnDefinition = "TEXT")
    public String stateNote;

    /** The provider's name of the trained model (what serves or continues it). */
    @Column(name = "output_model")
    public String outputModel;

    /** Tracking position (last state seen, event cursor, last metric step), stored with every callback. */
    @Column(name = "tracked_state")
    public String trackedState;

    @Column(name = "event_cursor")
    public String eventCursor;

    @Column(name = "last_metric_step", nullable = false)
    public long lastMetricStep = -1;

    @Column(name = "cancel_reason", columnDefinition = "TEXT")
    public String cancelReason;

    /** Since when the provider reports the job paused; null while it is not (the status stays RUNNING, the raw status says paused). */
    @Column(name = "paused_at")
    public OffsetDateTime pausedAt;

    /** When {@link #pausedAt} last changed: a poll asked before then is older news and leaves the pause as it is. */
    @Column(name = "pause_changed_at")
    public OffsetDateTime pauseChangedAt;

    /**
     * The provider's id of the training file a create request named, stored before the request is sent: with no
     * {@link #providerJobId} beside it, the provider may have created the job without our hearing of it.
     */
    @Column(name = "create_file_id")
    public String createFileId;

    @Column(name = "create_requested_at")
    public OffsetDateTime createRequestedAt;

    public boolean isFinished() {
        return status.isFinal();
    }

    /** Created at its backend: the backend knows it by {@link #providerJobId} and it must never be created again. */
    public boolean isCreated() {
        return providerJobId != null;
    }

    /** Idempotency keys are per tenant: another tenant's use of the same key is another key. */
    public static Optional<Job> byIdempotencyKey(String tenantId, String key) {
        return find("tenantId = ?1 and idempotencyKey = ?2", tenantId, key).firstResultOptional();
    }

    /** The newest jobs, of one tenant or (tenant null, for Refinery's services) of all. */
    public static List<Job> recent(String tenantOrNull, JobStatus status, int limit) {
        StringBuilder q = new StringBuilder("1 = 1");
        Parameters p = new Parameters();
        if (tenantOrNull != null) {
            q.append(" and tenantId = :tenant");
            p = p.and("tenant", tenantOrNull);
        }
        if (status != null) {
            q.append(" and status = :status");
            p = p.and("status", status);
        }
        return find(q + " order by createdAt desc", p).page(0, limit).list();
    }

    /** Jobs finished in [from, to), oldest first; narrowed to a tenant, a status and artifact types when given. */
    public static List<Job> finishedIn(String tenantOrNull, JobStatus statusOrNull, List<String> artifactTypes, OffsetDateTime from,
                                       OffsetDateTime to, int limit) {
        StringBuilder q = new StringBuilder("finishedAt >= :from and finishedAt < :to");
        Parameters p = Parameters.with("from", from).and("to", to);
        if (tenantOrNull != null) {
            q.append(" and tenantId = :tenant");
            p = p.and("tenant", tenantOrNull);
        }
        if (statusOrNull != null) {
            q.append(" and status = :status");
            p = p.and("status", statusOrNull);
        }
        if (!artifactTypes.isEmpty()) {
            q.append(" and artifactType in :types");
            p = p.and("types", artifactTypes);
        }
        return find(q + " order by finishedAt, id", p).page(0, limit).list();
    }

    /** Jobs of a tenant that count against its budget: every one not failed before costing anything. */
    public static List<Job> ofTenant(String tenantId) {
        return list("tenantId", tenantId);
    }
}
