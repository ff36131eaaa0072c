package dev.refinery.training.repository;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.Id;
import jakarta.persistence.LockModeType;
import jakarta.persistence.Table;

import java.math.BigDecimal;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Optional;

/**
 * A continuous fine-tuning pipeline of a project: every version sealed from {@link #collectionId} is trained with
 * {@link #template}, evaluated against the base model and the champion, and promoted or not by the project's policy.
 */
@Entity
@Table(name = "pipeline")
public class Pipeline extends PanacheEntityBase {

    public enum Status { ACTIVE, PAUSED }

    /** What starts runs, besides a person: every VALID version, a schedule, or the champion's drift on a new version. */
    public enum TriggerOn { VERSION, SCHEDULE, DRIFT }

    /** Where a run's job starts: the base model, or the adapter of the pipeline's last promoted run. */
    public enum ContinueFrom { BASE, CHAMPION }

    @Id
    public String id;

    @Column(nullable = false)
    public String tenant;

    @Column(nullable = false)
    public String name;

    @Column(name = "collection_id", nullable = false)
    public String collectionId;

    /** A {@code POST /fine-tunes} body without datasetId and fromJob, as JSON. */
    @Column(nullable = false)
    public String template;

    @Enumerated(EnumType.STRING)
    @Column(name = "continue_from", nullable = false)
    public ContinueFrom continueFrom;

    /** Jobs a run may start before it fails (the first one included). */
    @Column(name = "max_attempts", nullable = false)
    public int maxAttempts;

    /** What the pipeline's jobs may cost together per {@link #budgetPeriod}; null: no cap of its own. */
    @Column(name = "budget_usd")
    public BigDecimal budgetUsd;

    @Enumerated(EnumType.STRING)
    @Column(name = "budget_period", nullable = false)
    public BudgetPeriod budgetPeriod;

    @Enumerated(EnumType.STRING)
    @Column(name = "trigger_on", nullable = false)
    public TriggerOn triggerOn;

    /** SCHEDULE: how often (an ISO-8601 duration). */
    @Column(name = "schedule_every")
    public String scheduleEvery;

    /** SCHEDULE: when the sweep next looks for a version the pipeline has not trained on. */
    @Column(name = "next_scheduled_at")
    public OffsetDateTime nextScheduledAt;

    /** DRIFT: how far below its promotion score the champion may score on a new version before a run starts. */
    @Column(name = "drift_margin")
    public Double driftMargin;

    /** A DPO stage after the SFT job, on this collection's newest VALID version of preference pairs; null: none. */
    @Column(name = "dpo_collection_id")
    public String dpoCollectionId;

    /** The DPO stage's settings, as JSON (null: the defaults). */
    @Column(name = "dpo_hyperparameters")
    public String dpoHyperparameters;

    /** The shadow phase: the share of the alias's live chat requests the challenger answers too; null: no shadow phase. */
    @Column(name = "shadow_share")
    public Double shadowShare;

    /** The shadow phase: judged pairs after which it is decided. */
    @Column(name = "shadow_pairs")
    public Integer shadowPairs;

    /** The shadow phase: the challenger's win rate over the decisive pairs needed for its promotion. */
    @Column(name = "shadow_min_win_rate")
    public Double shadowMinWinRate;

    /** The shadow phase: how long it may last (ISO-8601); fewer pairs judged by then: not promoted. */
    @Column(name = "shadow_within")
    public String shadowWithin;

    /** The shadow phase: the model that judges the pairs, as a chat request names it. */
    @Column(name = "shadow_judge")
    public String shadowJudge;

    @Enumerated(EnumType.STRING)
    @Column(nullable = false)
    public Status status;

    @Column(name = "pause_reason")
    public String pauseReason;

    @Column(name = "created_by", nullable = false)
    public String createdBy;

    @Column(name = "created_at", nullable = false)
    public OffsetDateTime createdAt;

    @Column(name = "updated_at", nullable = false)
    public OffsetDateTime updatedAt;

    /** Whether a challenger that passes the evaluation is tried on live traffic before its promotion. */
    public boolean hasShadowPhase() {
        return shadowShare != null;
    }

    public static Optional<Pipeline> owned(String tenant, String id) {
        return find("id = ?1 and tenant = ?2", id, tenant).firstResultOptional();
    }

    /** The pipeline's row, locked for this transaction: its runs are started one decision at a time. */
    public static Pipeline locked(String id) {
        return findById(id, LockModeType.PESSIMISTIC_WRITE);
    }

    public static List<Pipeline> ofTenant(String tenant) {
        return list("tenant = ?1 order by createdAt", tenant);
    }

    public static List<Pipeline> ofCollection(String tenant, String collectionId) {
        return list("tenant = ?1 and collectionId = ?2", tenant, collectionId);
    }

    /** The ids of scheduled pipelines whose time has come. */
    public static List<String> scheduledBy(OffsetDateTime now) {
        return getEntityManager().createQuery("select p.id from Pipeline p where p.triggerOn = :on and p.status = :active "
                        + "and p.nextScheduledAt <= :now", String.class).setParameter("on", TriggerOn.SCHEDULE)
                .setParameter("active", Status.ACTIVE).setParameter("now", now).getResultList();
    }
}
