package dev.refinery.training.repository;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.Id;
import jakarta.persistence.LockModeType;
import jakarta.persistence.Table;

import java.time.OffsetDateTime;
import java.util.List;
import java.util.Optional;

/**
 * A drift pipeline's question about a new version: does the champion still score, on the version's examples, within the
 * pipeline's margin of the score it was promoted on? REQUESTED (eval-service not asked yet, or asking failed) → SCORING
 * (an evaluation of the champion on every example of the version) → DRIFTED (a run was queued on the version), STEADY
 * (no run), or FAILED (the evaluation could not be made or failed: no run, the reason kept).
 */
@Entity
@Table(name = "pipeline_drift_check")
public class PipelineDriftCheck extends PanacheEntityBase {

    public enum Status {
        REQUESTED, SCORING, DRIFTED, STEADY, FAILED;

        public boolean finished() {
            return this == DRIFTED || this == STEADY || this == FAILED;
        }
    }

    @Id
    public String id;

    @Column(name = "pipeline_id", nullable = false)
    public String pipelineId;

    @Column(nullable = false)
    public String tenant;

    @Column(name = "dataset_id", nullable = false)
    public String datasetId;

    /** The run that promoted the champion: its model, metric and score are what the version is checked against. */
    @Column(name = "champion_run_id", nullable = false)
    public String championRunId;

    @Column(name = "champion_version_id", nullable = false)
    public String championVersionId;

    @Column(nullable = false)
    public String metric;

    @Column(name = "promotion_score", nullable = false)
    public double promotionScore;

    @Column(nullable = false)
    public double margin;

    @Enumerated(EnumType.STRING)
    @Column(nullable = false)
    public Status status;

    @Column(name = "eval_id")
    public String evalId;

    @Column(name = "fresh_score")
    public Double freshScore;

    public String reason;

    /** DRIFTED: the run it queued. */
    @Column(name = "run_id")
    public String runId;

    @Column(name = "created_at", nullable = false)
    public OffsetDateTime createdAt;

    @Column(name = "finished_at")
    public OffsetDateTime finishedAt;

    public static List<String> idsToRequest() {
        return getEntityManager().createQuery("select c.id from PipelineDriftCheck c where c.status = :requested", String.class)
                .setParameter("requested", Status.REQUESTED).getResultList();
    }

    public static Optional<PipelineDriftCheck> lockedOfEval(String evalId) {
        return find("evalId", evalId).withLock(LockModeType.PESSIMISTIC_WRITE).firstResultOptional();
    }

    public static Optional<PipelineDriftCheck> latest(String pipelineId) {
        return find("pipelineId = ?1 order by createdAt desc", pipelineId).firstResultOptional();
    }

    public static boolean exists(String pipelineId, String datasetId) {
        return count("pipelineId = ?1 and datasetId = ?2", pipelineId, datasetId) > 0;
    }
}
