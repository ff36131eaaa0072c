package dev.refinery.training.repository;

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
 * One dataset version through a pipeline: QUEUED (waiting for the pipeline's run under way, or for the pipeline to be
 * resumed) → TRAINING (a job, retried up to the pipeline's attempts) → EVALUATING (eval-service compares the job's model with
 * the base model and the champion) → SHADOW (with a shadow phase, when it passed: live requests judged) → SUCCEEDED
 * (promoted or not: the decision says), FAILED, or SKIPPED (never started).
 */
@Entity
@Table(name = "pipeline_run")
public class PipelineRun extends PanacheEntityBase {

    public enum Status {
        QUEUED, TRAINING, EVALUATING, SHADOW, SUCCEEDED, FAILED, SKIPPED;

        public boolean finished() {
            return this == SUCCEEDED || this == FAILED || this == SKIPPED;
        }
    }

    public enum Trigger { VERSION, MANUAL, SCHEDULE, DRIFT }

    /** The idempotency key of attempt {@code n}'s job: a run resumed after a crash finds its job rather than making another. */
    public static String jobKey(String runId, int attempt) {
        return jobKeyPrefix(runId) + attempt;
    }

    /** The key of the job this run's current stage and attempt submits (the DPO stage's attempts are counted apart). */
    public String currentJobKey() {
        return inDpoStage() ? jobKeyPrefix(id) + "dpo-" + attempts : jobKey(id, attempts);
    }

    /** Whether the run's SFT job is done and its DPO stage is under way. */
    public boolean inDpoStage() {
        return preferenceDatasetId != null && sftJobId != null;
    }

    /** What the idempotency keys of every attempt's job of {@code runId} begin with. */
    public static String jobKeyPrefix(String runId) {
        return JOB_KEY_PREFIX + runId + ":";
    }

    /** The run a pipeline job belongs to, read from its idempotency key; empty for any other job. */
    public static Optional<String> runOfJobKey(String idempotencyKey) {
        if (idempotencyKey == null || !idempotencyKey.startsWith(JOB_KEY_PREFIX)) {
            return Optional.empty();
        }
        String rest = idempotencyKey.substring(JOB_KEY_PREFIX.length());
        int colon = rest.indexOf(':');
        return colon <= 0 ? Optional.empty() : Optional.of(rest.substring(0, colon));
    }

    private static final String JOB_KEY_PREFIX = "pipeline-run:";

    @Id
    public String id;

    @Column(name = "pipeline_id", nullable = false)
    public String pipelineId;

    @Column(nullable = false)
    public String tenant;

    @Enumerated(EnumType.STRING)
    @Column(nullable = false)
    public Trigger trigger;

    @Column(name = "dataset_id", nullable = false)
    public String datasetId;

    @Enumerated(EnumType.STRING)
    @Column(nullable = false)
    public Status status;

    /** Jobs started so far. */
    @Column(nullable = false)
    public int attempts;

    @Column(name = "job_id")
    public String jobId;

    @Column(name = "from_job_id")
    public String fromJobId;

    /** The preference version of the run's DPO stage; null: the run has one stage. */
    @Column(name = "preference_dataset_id")
    public String preferenceDatasetId;

    /** With a DPO stage: the SFT stage's job, once it succeeded (then {@link #jobId} is the DPO stage's). */
    @Column(name = "sft_job_id")
    public String sftJobId;

    @Column(name = "eval_id")
    public String evalId;

    @Column(name = "model_version_id")
    public String modelVersionId;

    public String outcome;

    public String decision;

    /** The policy's reasons, a JSON array of strings. */
    public String reasons;

    public String metric;

    @Column(name = "candidate_score")
    public Double candidateScore;

    @Column(name = "baseline_score")
    public Double baselineScore;

    @Column(name = "champion_score")
    public Double championScore;

    /** A pipeline with a shadow phase: the settings this run started with, as JSON (null: no shadow phase). */
    @Column(name = "shadow_settings")
    public String shadowSettings;

    /** The shadow phase: the champion the run's evaluation compared with (null: there was none). */
    @Column(name = "shadow_champion_version_id")
    public String shadowChampionVersionId;

    /** When the run entered its shadow phase. */
    @Column(name = "shadow_entered_at")
    public OffsetDateTime shadowEnteredAt;

    /** The shadow phase: the alias whose live requests the challenger answers too. */
    @Column(name = "shadow_alias")
    public String shadowAlias;

    /** The shadow phase: when inference-service opened its trial (null: not asked yet). */
    @Column(name = "shadow_started_at")
    public OffsetDateTime shadowStartedAt;

    @Column(name = "shadow_ends_at")
    public OffsetDateTime shadowEndsAt;

    @Column(name = "shadow_wins")
    public Integer shadowWins;

    @Column(name = "shadow_losses")
    public Integer shadowLosses;

    @Column(name = "shadow_ties")
    public Integer shadowTies;

    @Column(name = "shadow_unclear")
    public Integer shadowUnclear;

    @Column(name = "shadow_win_rate")
    public Double shadowWinRate;

    @Column(name = "failure_code")
    public String failureCode;

    @Column(name = "failure_reason")
    public String failureReason;

    @Column(name = "created_at", nullable = false)
    public OffsetDateTime createdAt;

    @Column(name = "started_at")
    public OffsetDateTime startedAt;

    @Column(name = "finished_at")
    public OffsetDateTime finishedAt;

    public static List<PipelineRun> ofPipeline(String pipelineId, int limit) {
        return find("pipelineId = ?1 order by createdAt desc", pipelineId).page(0, limit).list();
    }

    public static Optional<PipelineRun> under(String pipelineId) {
        return find("pipelineId = ?1 and status in ?2", pipelineId, List.of(Status.TRAINING, Status.EVALUATING, Status.SHADOW)).firstResultOptional();
    }

    /** The ids of the runs in their shadow phase. */
    public static List<String> inShadow() {
        return getEntityManager().createQuery("select r.id from PipelineRun r where r.status = :shadow", String.class)
                .setParameter("shadow", Status.SHADOW).getResultList();
    }

    public static List<PipelineRun> queued(String pipelineId) {
        return list("pipelineId = ?1 and status = ?2 order by createdAt", pipelineId, Status.QUEUED);
    }

    /** The pipeline's newest run whose model was promoted: its job is where a run that continues from the champion starts. */
    public static Optional<PipelineRun> lastPromoted(String pipelineId) {
        return find("pipelineId = ?1 and decision = 'PROMOTED' order by finishedAt desc", pipelineId).firstResultOptional();
    }

    /** The id of the run whose (last) job is {@code jobId}, without loading the run. */
    public static Optional<String> idOfJob(String jobId) {
        return getEntityManager().createQuery("select r.id from PipelineRun r where r.jobId = :job", String.class)
                .setParameter("job", jobId).getResultStream().findFirst();
    }

    /** The pipeline of run {@code runId}, without loading the run. */
    public static Optional<String> pipelineOf(String runId) {
        return getEntityManager().createQuery("select r.pipelineId from PipelineRun r where r.id = :id", String.class)
                .setParameter("id", runId).getResultStream().findFirst();
    }
}
