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
 * pipeline's margin of the score it was promoted on? REQUESTED (eval-service not asked yet; {@link #askedAt} marks a replica
 * asking it now, so that replicas do not ask twice) → SCORING
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

    /** When a sweep claimed the check to ask eval-service; a claim older than a few minutes is a crashed ask, taken again. */
    @Column(name = "asked_at")
    public OffsetDateTime askedAt;

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

    /** Checks of active pipelines whose eval-service has not been asked, nor is being asked since {@code claimedBefore}. */
    public static List<String> idsToRequest(OffsetDateTime claimedBefore) {
        return getEntityManager().createQuery("select c.id from PipelineDriftCheck c, Pipeline p where p.id = c.pipelineId "
                        + "and p.status = :active and c.status = :requested and (c.askedAt is null or c.askedAt < :before)", String.class)
                .setParameter("active", Pipeline.Status.ACTIVE).setParameter("requested", Status.REQUESTED)
                .setParameter("before", claimedBefore).getResultList();
    }

    /** Checks still open (not asked, or scored without an answer yet) since before {@code createdBefore}. */
    public static List<String> idsOpenSince(OffsetDateTime createdBefore) {
        return getEntityManager().createQuery("select c.id from PipelineDriftCheck c where c.status in :open and c.createdAt < :before",
                String.class).setParameter("open", List.of(Status.REQUESTED, Status.SCORING)).setParameter("before", createdBefore)
                .getResultList();
    }

    /**
     * The open check an evaluation answers: by its id, or (the evaluation may end before its id was stored) by what it
     * scored: the champion on the version, in the tenant.
     */
    public static Optional<PipelineDriftCheck> lockedAnsweredBy(String evalId, String tenant, String versionId, String datasetId) {
        Optional<PipelineDriftCheck> byId = evalId == null ? Optional.empty()
                : find("evalId", evalId).withLock(LockModeType.PESSIMISTIC_WRITE).firstResultOptional();
        if (byId.isPresent() || versionId == null || datasetId == null) {
            return byId;
        }
        return find("tenant = ?1 and championVersionId = ?2 and datasetId = ?3 and status in ?4", tenant, versionId, datasetId,
                List.of(Status.REQUESTED, Status.SCORING)).withLock(LockModeType.PESSIMISTIC_WRITE).firstResultOptional();
    }

    public static Optional<PipelineDriftCheck> latest(String pipelineId) {
        return find("pipelineId = ?1 order by createdAt desc", pipelineId).firstResultOptional();
    }

    public static boolean exists(String pipelineId, String datasetId) {
        return count("pipelineId = ?1 and datasetId = ?2", pipelineId, datasetId) > 0;
    }
}
