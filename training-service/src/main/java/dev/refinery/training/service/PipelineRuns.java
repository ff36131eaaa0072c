package dev.refinery.training.service;

import dev.refinery.identity.Tenants;
import dev.refinery.kit.outbox.Outbox;
import dev.refinery.kit.problem.ApiException;
import dev.refinery.training.events.EvalFinished;
import dev.refinery.training.events.PipelinePaused;
import dev.refinery.training.events.PipelineRunFinished;
import dev.refinery.training.mapping.PipelineMapper;
import dev.refinery.training.repository.Dataset;
import dev.refinery.training.repository.Job;
import dev.refinery.training.repository.JobStatus;
import dev.refinery.training.repository.Pipeline;
import dev.refinery.training.repository.PipelineRun;
import dev.refinery.training.rest.JobRequest;
import dev.refinery.training.rest.PipelineTemplate;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.narayana.jta.QuarkusTransaction;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import jakarta.persistence.LockModeType;
import jakarta.transaction.Transactional;
import org.jboss.logging.Logger;

import java.math.BigDecimal;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.UUID;

/**
 * The life of pipeline runs. Every step is a short transaction that either happens whole or not at all, and every step can
 * be taken again after a crash without doing anything twice:
 * <ul>
 *   <li>a VALID version of a collection queues a run on each of its pipelines (with the dataset-validated event, once per
 *       version and pipeline);</li>
 *   <li>{@link #advance} starts the newest queued run when the pipeline has none under way (older queued ones are
 *       superseded) and submits the job of a run that has none; a job's idempotency key names its run and attempt, so a
 *       submission repeated after a crash finds the job it made;</li>
 *   <li>the job's end ({@link JobEnded}, in the job's own transaction) moves the run to evaluation, or to its next attempt,
 *       or fails it and pauses the pipeline;</li>
 *   <li>eval-finished of the run's job ends it with the policy's decision (eval-service promotes; this only records), or,
 *       with a shadow phase and a passed evaluation, moves it to its shadow phase ({@link PipelineShadow}).</li>
 * </ul>
 */
@ApplicationScoped
public class PipelineRuns {

    private static final Logger LOG = Logger.getLogger(PipelineRuns.class);
    /** eval-finished's decision for a model that passed the policy and is not promoted on its own. */
    static final String PASSED_AWAITING_PROMOTION = "PASSED_AWAITING_PROMOTION";

    @Inject
    JobService jobs;

    @Inject
    Outbox outbox;

    @Inject
    MeterRegistry registry;

    @Inject
    PipelineDrift drift;

    /** What {@link #advance} decided to submit: a stage's job under its run's key for that stage and attempt. */
    private record Submission(String runId, String key, String tenant, JobRequest request) {
    }

    /**
     * A version of a collection was validated, in the caller's transaction: each pipeline of the collection that follows
     * versions queues a run on it; a drift pipeline checks its champion on it first; a scheduled one finds it at its time.
     */
    @Transactional(Transactional.TxType.MANDATORY)
    public void versionValidated(Dataset version) {
        if (version.collectionId == null || !version.isValid()) {
            return;
        }
        for (Pipeline p : Pipeline.ofCollection(version.tenant, version.collectionId)) {
            switch (p.triggerOn) {
                case VERSION -> queueOnce(p, version.id, PipelineRun.Trigger.VERSION);
                case DRIFT -> drift.versionArrived(p, version.id);
                case SCHEDULE -> LOG.debugf("pipeline %s: version %s waits for the schedule", p.name, version.id);
            }
        }
    }

    /** A run on {@code datasetId} unless a trigger that follows versions queued one on it already (a version trains once). */
    @Transactional(Transactional.TxType.MANDATORY)
    public Optional<PipelineRun> queueOnce(Pipeline p, String datasetId, PipelineRun.Trigger trigger) {
        if (PipelineRun.count("pipelineId = ?1 and datasetId = ?2 and trigger in ?3", p.id, datasetId,
                List.of(PipelineRun.Trigger.VERSION, PipelineRun.Trigger.SCHEDULE, PipelineRun.Trigger.DRIFT)) > 0) {
            return Optional.empty();
        }
        return Optional.of(queue(p, datasetId, trigger));
    }

    /** Whether {@code p} trained {@code datasetId} or is training it: a run on it that succeeded, or one not finished yet. */
    @Transactional(Transactional.TxType.MANDATORY)
    public boolean hasRunOn(Pipeline p, String datasetId) {
        return PipelineRun.count("pipelineId = ?1 and datasetId = ?2 and status not in ?3", p.id, datasetId,
                List.of(PipelineRun.Status.SKIPPED, PipelineRun.Status.FAILED)) > 0;
    }

    /**
     * A scheduled pipeline's time came: a run on the collection's newest VALID version, unless the pipeline trained on it
     * or is training it (by any trigger, by hand too: nothing new, nothing paid for); a version whose run was skipped or
     * failed is tried again. The next time is set either way.
     */
    @Transactional
    public void scheduled(String pipelineId) {
        Pipeline p = Pipeline.locked(pipelineId);
        if (p == null || p.triggerOn != Pipeline.TriggerOn.SCHEDULE || p.status != Pipeline.Status.ACTIVE || p.nextScheduledAt == null
                || p.nextScheduledAt.isAfter(now())) {
            return; // another replica took this turn, or the pipeline changed meanwhile
        }
        Optional<Dataset> newest = Dataset.newestOfCollection(p.tenant, p.collectionId);
        if (newest.isPresent() && !hasRunOn(p, newest.get().id)) {
            queue(p, newest.get().id, PipelineRun.Trigger.SCHEDULE);
        } else {
            LOG.infof("pipeline %s: scheduled, and nothing new to train on (%s)", p.name, newest.map(d -> "newest version " + d.id
                    + " trained already").orElse("no VALID version yet"));
        }
        p.nextScheduledAt = now().plus(Duration.parse(p.scheduleEvery));
    }

    /** A run of {@code pipeline} on {@code datasetId}, queued in the caller's transaction; the sweep starts it. */
    @Transactional(Transactional.TxType.MANDATORY)
    public PipelineRun queue(Pipeline pipeline, String datasetId, PipelineRun.Trigger trigger) {
        PipelineRun run = new PipelineRun();
        run.id = "pr-" + UUID.randomUUID().toString().replace("-", "");
        run.pipelineId = pipeline.id;
        run.tenant = pipeline.tenant;
        run.trigger = trigger;
        run.datasetId = datasetId;
        run.status = PipelineRun.Status.QUEUED;
        run.createdAt = now();
        run.persist();
        LOG.infof("pipeline %s (%s): run %s queued on %s (%s)", pipeline.name, pipeline.id, run.id, datasetId, trigger);
        return run;
    }

    /** The pipelines with something to do: a queued run, or a run under way that waits for its job to be submitted. */
    @Transactional
    public List<String> pipelinesToAdvance() {
        return PipelineRun.getEntityManager().createQuery("select distinct r.pipelineId from PipelineRun r where r.status = :queued "
                + "or (r.status = :training and r.jobId is null)", String.class).setParameter("queued", PipelineRun.Status.QUEUED)
                .setParameter("training", PipelineRun.Status.TRAINING).getResultList();
    }

    /** Moves {@code pipelineId} on (see the class comment); safe on any replica, at any time, as often as called. */
    public void advance(String pipelineId) {
        Submission next = QuarkusTransaction.requiringNew().call(() -> decide(pipelineId));
        if (next == null) {
            return;
        }
        String key = next.key();
        Job job;
        try {
            job = jobs.submit(next.request(), key, next.tenant()).job();
        } catch (ApiException refused) {
            Optional<Job> made = "JOB_IDEMPOTENCY_KEY_REUSED".equals(refused.code())
                    ? QuarkusTransaction.requiringNew().call(() -> Job.byIdempotencyKey(next.tenant(), key)) : Optional.empty();
            if (made.isPresent()) {
                job = made.get(); // this attempt's job exists already (the request was decided anew): it is the run's
            } else if (refused.status() >= 500 || refused.status() == 429) {
                LOG.warnf("run %s: its job could not be submitted for now (%s: %s); the next sweep tries again", next.runId(),
                        refused.code(), refused.getMessage());
                return; // the run stays TRAINING without a job: the sweep submits it again, under the same key
            } else {
                QuarkusTransaction.requiringNew().run(() -> refused(next.runId(), refused));
                return;
            }
        }
        String jobId = job.id;
        QuarkusTransaction.requiringNew().run(() -> jobSubmitted(next.runId(), key, jobId));
    }

    /** With the pipeline's row locked: the submission to make next, or null. */
    private Submission decide(String pipelineId) {
        Pipeline p = Pipeline.locked(pipelineId);
        if (p == null) {
            return null;
        }
        Optional<PipelineRun> under = PipelineRun.under(p.id);
        if (under.isPresent()) {
            PipelineRun run = under.get(); // its next attempt, or an attempt a crash interrupted; not while paused
            return run.status == PipelineRun.Status.TRAINING && run.jobId == null && p.status == Pipeline.Status.ACTIVE
                    ? submission(p, run) : null;
        }
        List<PipelineRun> queued = PipelineRun.queued(p.id);
        if (queued.isEmpty() || p.status != Pipeline.Status.ACTIVE) {
            return null; // a paused pipeline keeps its queue until it is resumed
        }
        PipelineRun run = queued.get(queued.size() - 1);
        for (PipelineRun older : queued.subList(0, queued.size() - 1)) {
            end(p, older, PipelineRun.Status.SKIPPED, "PIPELINE_RUN_SUPERSEDED", "version " + run.datasetId
                    + " arrived before this run started; the pipeline trains on the newest version only");
        }
        Optional<BigDecimal> left = budgetLeft(p, null);
        if (left.isPresent() && left.get().signum() <= 0) {
            end(p, run, PipelineRun.Status.SKIPPED, "PIPELINE_BUDGET_SPENT", "the pipeline's budget of $" + p.budgetUsd + " per "
                    + p.budgetPeriod.name().toLowerCase(Locale.ROOT) + " is spent");
            return null;
        }
        run.status = PipelineRun.Status.TRAINING;
        run.attempts = 1;
        run.startedAt = now();
        Optional<PipelineRun> champion = PipelineRun.lastPromoted(p.id);
        run.fromJobId = p.continueFrom == Pipeline.ContinueFrom.CHAMPION ? champion.map(r -> r.jobId).orElse(null) : null;
        run.preferenceDatasetId = PipelineStages.preferenceVersion(p, champion.orElse(null)).orElse(null);
        run.shadowSettings = ShadowSettings.snapshot(p);
        LOG.infof("pipeline %s: run %s starts on %s%s%s", p.name, run.id, run.datasetId,
                run.fromJobId == null ? "" : " from the champion's job " + run.fromJobId,
                run.preferenceDatasetId == null ? "" : ", then DPO on " + run.preferenceDatasetId);
        return submission(p, run);
    }

    private Submission submission(Pipeline p, PipelineRun run) {
        PipelineTemplate template = PipelineMapper.template(p);
        String key = run.currentJobKey();
        // What this attempt's own job costs is left out, so that the cap (part of the job's request) is the same however
        // often the attempt is submitted: the idempotency key then finds its job instead of refusing a changed request.
        BigDecimal cap = budgetLeft(p, key).map(left -> template.budgetUsd() == null ? left : left.min(template.budgetUsd()))
                .orElse(template.budgetUsd());
        return new Submission(run.id, key, p.tenant, PipelineStages.jobOf(p, template, run, cap));
    }

    private void jobSubmitted(String runId, String key, String jobId) {
        PipelineRun run = locked(runId).map(Locked::run).orElse(null);
        if (run != null && run.status == PipelineRun.Status.TRAINING && run.currentJobKey().equals(key) && run.jobId == null) {
            run.jobId = jobId;
        }
    }

    /** The job could not even be submitted: over the budget, the run is skipped; refused otherwise, it fails and pauses. */
    private void refused(String runId, ApiException refusal) {
        Optional<Locked> locked = locked(runId);
        if (locked.isEmpty() || locked.get().run().status != PipelineRun.Status.TRAINING) {
            return;
        }
        Pipeline p = locked.get().pipeline();
        PipelineRun run = locked.get().run();
        String why = "the job was refused: " + refusal.getMessage();
        if ("JOB_OVER_BUDGET".equals(refusal.code())) {
            end(p, run, PipelineRun.Status.SKIPPED, "PIPELINE_BUDGET_EXCEEDED", why);
            return;
        }
        end(p, run, PipelineRun.Status.FAILED, refusal.code(), why);
        pause(p, run, refusal.code(), "run " + run.id + " could not start: " + why + "; change the pipeline or resume it once the cause is fixed");
    }

    /** A job ended, in its own transaction: the run it belongs to moves on. */
    void jobEnded(@Observes JobEnded ended) {
        Job job = ended.job();
        Optional<String> runId = PipelineRun.runOfJobKey(job.idempotencyKey);
        if (runId.isEmpty()) {
            return;
        }
        Optional<Locked> locked = locked(runId.get());
        PipelineRun run = locked.map(Locked::run).orElse(null);
        if (run == null || run.status != PipelineRun.Status.TRAINING || !run.tenant.equals(job.tenantId)
                || !run.currentJobKey().equals(job.idempotencyKey)) {
            return; // an earlier attempt's or stage's job, a run already decided, or not the run's project's job at all
        }
        Pipeline p = locked.get().pipeline();
        run.jobId = job.id;
        if (job.status == JobStatus.SUCCEEDED && run.preferenceDatasetId != null && !run.inDpoStage()) {
            run.sftJobId = job.id; // the SFT stage is done; the sweep submits the DPO stage's first attempt from it
            run.attempts = 1;
            run.jobId = null;
            LOG.infof("run %s: SFT job %s succeeded; its DPO stage on %s next", run.id, job.id, run.preferenceDatasetId);
            return;
        }
        if (job.status == JobStatus.SUCCEEDED) {
            run.status = PipelineRun.Status.EVALUATING;
            LOG.infof("run %s: job %s succeeded; waiting for its evaluation", run.id, job.id);
            return;
        }
        if (job.status == JobStatus.CANCELLED) {
            end(p, run, PipelineRun.Status.FAILED, "PIPELINE_JOB_CANCELLED", "job " + job.id + " was cancelled: " + job.cancelReason);
            return; // a person stopped it: not retried, and nothing to alert about
        }
        if (run.attempts < p.maxAttempts) {
            LOG.infof("run %s: job %s failed (%s); attempt %d of %d next", run.id, job.id, job.failureCode, run.attempts + 1, p.maxAttempts);
            run.attempts++;
            run.jobId = null; // the sweep submits the next attempt
            return;
        }
        String why = "job " + job.id + " failed (" + job.failureCode + ": " + job.failureReason + ") after " + run.attempts
                + (run.attempts == 1 ? " attempt" : " attempts");
        end(p, run, PipelineRun.Status.FAILED, job.failureCode, why);
        pause(p, run, job.failureCode, "run " + run.id + ": " + why + "; resume the pipeline once the cause is fixed");
    }

    /** eval-finished: the run whose job it evaluated ends with the evaluation's decision. */
    @Transactional(Transactional.TxType.MANDATORY)
    public void evaluated(EvalFinished e) {
        if (e.jobId() == null) {
            return;
        }
        Optional<Locked> locked = PipelineRun.idOfJob(e.jobId()).flatMap(this::locked);
        if (locked.isEmpty() || locked.get().run().status != PipelineRun.Status.EVALUATING
                || !locked.get().run().tenant.equals(Tenants.ofEvent(e.tenant()))) {
            return; // not a pipeline's job; or a later evaluation of the same job (by hand), which does not change a finished run
        }
        Pipeline p = locked.get().pipeline();
        PipelineRun run = locked.get().run();
        run.evalId = e.evalId();
        run.modelVersionId = e.candidateVersionId();
        if (!e.completed()) {
            end(p, run, PipelineRun.Status.FAILED, e.failureCode() == null ? "PIPELINE_EVAL_FAILED" : e.failureCode(),
                    "evaluation " + e.evalId() + " failed: " + e.failureReason());
            pause(p, run, run.failureCode, "run " + run.id + ": evaluation " + e.evalId() + " failed (" + e.failureReason()
                    + "); resume the pipeline once the cause is fixed");
            return;
        }
        run.metric = e.metric();
        run.outcome = e.outcome();
        run.decision = e.decision();
        run.reasons = PipelineMapper.reasonsJson(e.reasons());
        run.candidateScore = e.candidate() == null ? null : e.candidate().metric();
        run.baselineScore = e.baseline() == null ? null : e.baseline().metric();
        run.championScore = e.champion() == null ? null : e.champion().metric();
        if (run.shadowSettings != null && PASSED_AWAITING_PROMOTION.equals(e.decision()) && e.candidateVersionId() != null) {
            run.status = PipelineRun.Status.SHADOW; // the sweep opens its trial on live traffic (PipelineShadow)
            run.shadowChampionVersionId = e.championVersionId();
            run.shadowEnteredAt = now();
            LOG.infof("pipeline %s: run %s passed its evaluation (%s); its shadow phase next", p.name, run.id, e.outcome());
            return;
        }
        end(p, run, PipelineRun.Status.SUCCEEDED, null, null);
        LOG.infof("pipeline %s: run %s evaluated: %s, %s", p.name, run.id, e.outcome(), e.decision());
    }

    /** A run and its pipeline, both locked for the transaction. */
    record Locked(Pipeline pipeline, PipelineRun run) {
    }

    /**
     * {@code runId} and its pipeline, locked in the order every step takes them (the pipeline first, then the run), each
     * read fresh under its lock.
     */
    Optional<Locked> locked(String runId) {
        Optional<String> pipelineId = PipelineRun.pipelineOf(runId);
        if (pipelineId.isEmpty()) {
            return Optional.empty();
        }
        Pipeline p = Pipeline.locked(pipelineId.get());
        return Optional.of(new Locked(p, PipelineRun.findById(runId, LockModeType.PESSIMISTIC_WRITE)));
    }

    /** The runs waiting for an evaluation longer than {@code within} since their job ended. */
    @Transactional
    public List<String> evaluationsOverdue(Duration within) {
        OffsetDateTime before = now().minus(within);
        return PipelineRun.getEntityManager().createQuery("select r.id from PipelineRun r, Job j where r.status = :evaluating "
                + "and j.id = r.jobId and j.finishedAt < :before", String.class).setParameter("evaluating", PipelineRun.Status.EVALUATING)
                .setParameter("before", before).getResultList();
    }

    /**
     * A run whose evaluation never came (eval-service found its model not evaluable, or lost its job-completed) fails and
     * pauses its pipeline, instead of holding it forever.
     */
    @Transactional
    public void evaluationMissing(String runId, Duration waited) {
        Optional<Locked> locked = locked(runId);
        if (locked.isEmpty() || locked.get().run().status != PipelineRun.Status.EVALUATING) {
            return;
        }
        PipelineRun run = locked.get().run();
        String why = "no evaluation of job " + run.jobId + " arrived within " + waited + " of its end (eval-service may find its "
                + "model not evaluable: see its log)";
        end(locked.get().pipeline(), run, PipelineRun.Status.FAILED, "PIPELINE_EVAL_MISSING", why);
        pause(locked.get().pipeline(), run, "PIPELINE_EVAL_MISSING", "run " + run.id + ": " + why + "; resume the pipeline once the cause is fixed");
    }

    /** Ends {@code run}, announcing it. */
    void end(Pipeline p, PipelineRun run, PipelineRun.Status status, String code, String reason) {
        run.status = status;
        run.failureCode = code;
        run.failureReason = reason;
        run.finishedAt = now();
        outbox.publish(PipelineRunFinished.TOPIC, p.id, PipelineMapper.toFinished(p, run), PipelineRunFinished.VERSION);
        registry.counter("refinery_training_pipeline_runs_total", "status", status.name()).increment();
        if (status != PipelineRun.Status.SUCCEEDED) {
            LOG.infof("pipeline %s: run %s %s (%s: %s)", p.name, run.id, status, code, reason);
        }
    }

    /** Pauses {@code p} after a failure, with the alert; nothing more starts until a person resumes it. */
    void pause(Pipeline p, PipelineRun run, String code, String reason) {
        p.status = Pipeline.Status.PAUSED;
        p.pauseReason = reason;
        p.updatedAt = now();
        outbox.publish(PipelinePaused.TOPIC, p.id, new PipelinePaused(p.tenant, p.id, p.name, run.id, code, reason, now()),
                PipelinePaused.VERSION);
        registry.counter("refinery_training_pipelines_paused_total").increment();
        LOG.warnf("pipeline %s (%s) paused: %s", p.name, p.id, reason);
    }

    /**
     * What the pipeline may still spend in the current period: its budget less what its runs' jobs of the period cost (or,
     * unfinished, may cost: their estimate's high bound); empty without a budget.
     */
    private Optional<BigDecimal> budgetLeft(Pipeline p, String leavingOutKey) {
        if (p.budgetUsd == null) {
            return Optional.empty();
        }
        OffsetDateTime since = p.budgetPeriod.start(now());
        List<String> runs = PipelineRun.<PipelineRun>list("pipelineId = ?1 and startedAt >= ?2", p.id, since).stream().map(r -> r.id).toList();
        BigDecimal spent = BigDecimal.ZERO;
        for (String runId : runs) {
            for (Job job : Job.<Job>list("tenantId = ?1 and idempotencyKey like ?2", p.tenant, PipelineRun.jobKeyPrefix(runId) + "%")) {
                if (job.idempotencyKey.equals(leavingOutKey)) {
                    continue;
                }
                BigDecimal cost = job.actualCostUsd != null ? job.actualCostUsd : job.estimateHighUsd;
                spent = spent.add(cost == null ? BigDecimal.ZERO : cost);
            }
        }
        return Optional.of(p.budgetUsd.subtract(spent));
    }

    private static OffsetDateTime now() {
        return OffsetDateTime.now(ZoneOffset.UTC);
    }
}
