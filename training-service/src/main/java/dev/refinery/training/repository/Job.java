package dev.refinery.training.repository;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import org.hibernate.annotations.JdbcTypeCode;
import org.hibernate.type.SqlTypes;
import java.math.BigDecimal;
import jakarta.persistence.Column;
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

    @Column(nullable = false)
    public String status;

    /** JSON object: hyperparameter name -> effective value. */
    @Column(nullable = false, columnDefinition = "TEXT")
    public String hyperparameters;

    /** JSON object: hyperparameter name -> "user" or "default". */
    @Column(name = "hyperparameter_sources", nullable = false, columnDefinition = "TEXT")
    public String hyperparameterSources;

    @Column(name = "idempotency_key", unique = true)
    public String idempotencyKey;

    /** Attempts started so far (an interrupted attempt is followed by another one, up to a limit). */
    @Column(nullable = false)
    public int attempts;

    /** The process training this job, while it is RUNNING. */
    @Column(name = "claimed_by")
    public String claimedBy;

    @Column(name = "heartbeat_at")
    public OffsetDateTime heartbeatAt;

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

    public String bucket;

    @Column(name = "adapter_key")
    public String adapterKey;

    public Integer steps;

    @Column(name = "final_train_loss")
    public Double finalTrainLoss;

    @Column(name = "final_validation_loss")
    public Double finalValidationLoss;

    @Column(name = "failure_code")
    public String failureCode;

    @Column(name = "failure_reason", columnDefinition = "TEXT")
    public String failureReason;

    /** sft or dpo. */
    @Column(nullable = false)
    public String method = "sft";

    @Column(name = "tenant_id", nullable = false)
    public String tenantId = "default";

    /** JSONB {"values": {...}, "sources": {...}}: the provider-neutral effective spec, each value with USER / CATALOG_DEFAULT / PROVIDER_DEFAULT. */
    @JdbcTypeCode(SqlTypes.JSON)
    @Column(name = "effective_spec", columnDefinition = "jsonb")
    public String effectiveSpec;

    /** JSONB: the request as accepted, so a re-run submits the same spec. */
    @JdbcTypeCode(SqlTypes.JSON)
    @Column(columnDefinition = "jsonb")
    public String request;

    @Column(name = "from_job_id")
    public String fromJobId;

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

    public boolean isLocal() {
        return "local".equals(backend);
    }

    public JobStatus state() {
        return JobStatus.valueOf(status);
    }

    public boolean isFinished() {
        return JobStatus.valueOf(status).isFinal();
    }

    public static Optional<Job> byIdempotencyKey(String key) {
        return find("idempotencyKey", key).firstResultOptional();
    }

    public static List<Job> recent(String status, int limit) {
        return status == null
                ? find("order by createdAt desc").page(0, limit).list()
                : find("status = ?1 order by createdAt desc", status).page(0, limit).list();
    }

    /** Local-engine jobs that should be training: accepted but not started, or started and not finished. */
    public static List<Job> unfinished() {
        return list("backend = 'local' and status in ?1 order by createdAt", List.of(JobStatus.QUEUED.name(), JobStatus.RUNNING.name(),
                JobStatus.CANCELLING.name()));
    }

    /** Provider jobs not finished yet: to submit (no provider id) or to track (with one). */
    public static List<Job> unfinishedOnProviders() {
        return list("backend <> 'local' and status in ?1 order by createdAt", List.of(JobStatus.QUEUED.name(), JobStatus.VALIDATING.name(),
                JobStatus.RUNNING.name(), JobStatus.CANCELLING.name()));
    }

    /** Jobs of a tenant that count against its budget: every one not failed before costing anything. */
    public static List<Job> ofTenant(String tenantId) {
        return list("tenantId", tenantId);
    }
}
