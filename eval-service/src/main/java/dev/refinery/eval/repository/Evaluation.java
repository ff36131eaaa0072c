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

/** An evaluation of a fine-tuned model against its base (persistence model; never sent over the wire as is). */
@Entity
@Table(name = "evaluation")
public class Evaluation extends PanacheEntityBase {

    @Id
    public String id;

    @Column(name = "job_id", nullable = false)
    public String jobId;

    @Column(name = "dataset_id", nullable = false)
    public String datasetId;

    @Column(name = "base_model", nullable = false)
    public String baseModel;

    @Column(nullable = false)
    public String bucket;

    @Column(name = "adapter_key", nullable = false)
    public String adapterKey;

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

    @Column(nullable = false)
    public int attempts;

    @Column(name = "worker_id")
    public String workerId;

    @Column(name = "lease_until")
    public OffsetDateTime leaseUntil;

    /** Why the last attempt stopped without a result (a transient error it will be retried after). */
    @Column(name = "last_error", columnDefinition = "TEXT")
    public String lastError;

    @Column(name = "created_at", nullable = false)
    public OffsetDateTime createdAt;

    @Column(name = "started_at")
    public OffsetDateTime startedAt;

    @Column(name = "finished_at")
    public OffsetDateTime finishedAt;

    public static List<Evaluation> byJob(String jobId, int limit) {
        return find("jobId = ?1 order by createdAt desc, id", jobId).page(0, limit).list();
    }

    public static List<Evaluation> newest(int limit) {
        return find("order by createdAt desc, id").page(0, limit).list();
    }

    public static boolean existsForJob(String jobId) {
        return count("jobId", jobId) > 0;
    }

    /** Ids of evaluations in {@code status}, oldest first. */
    public static List<String> idsIn(EvaluationStatus status) {
        return getEntityManager()
                .createQuery("select e.id from Evaluation e where e.status = :status order by e.createdAt", String.class)
                .setParameter("status", status)
                .getResultList();
    }
}
