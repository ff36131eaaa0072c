package dev.refinery.training.repository;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
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

    /** Jobs that should be training: accepted but not started, or started and not finished. */
    public static List<Job> unfinished() {
        return list("status in ?1 order by createdAt", List.of(JobStatus.QUEUED.name(), JobStatus.RUNNING.name()));
    }
}
