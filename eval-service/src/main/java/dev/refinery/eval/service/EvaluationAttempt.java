package dev.refinery.eval.service;

import dev.refinery.kit.lease.Lease;
import dev.refinery.kit.lease.LeaseLostException;
import dev.refinery.kit.lease.LeasedWorkers;
import dev.refinery.kit.storage.StorageException;
import dev.refinery.kit.work.TransientFailures;
import dev.refinery.kit.work.TransientRetry;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.jboss.logging.Logger;

/**
 * One attempt at an evaluation, under its work lease (renewed by the keeper for as long as the comparison runs). Its
 * outcome is stored in one fenced transaction: COMPLETED with the summary, or FAILED with a code for what a retry cannot
 * fix. Database steps are retried in place while the database is briefly away (the attempt keeps its lease); object
 * storage that is away gives the evaluation back to be tried again after a back-off, uncounted; storage that refuses
 * counts as a failed attempt, and {@code max-attempts} of those end it EVAL_GAVE_UP. A bug ends it EVAL_INTERNAL_ERROR at
 * once: the engine is deterministic, so running it again would fail the same way.
 */
@ApplicationScoped
public class EvaluationAttempt implements LeasedWorkers.Work {

    private static final Logger LOG = Logger.getLogger(EvaluationAttempt.class);

    @Inject
    EvaluationTransitions transitions;

    @Inject
    EvaluationRunner runner;

    @Inject
    TransientRetry retry;

    @Inject
    MeterRegistry registry;

    @Override
    public LeasedWorkers.Outcome run(LeasedWorkers.Context context) {
        Lease lease = context.lease();
        EvaluationTask task = retry.get(() -> transitions.attemptBegins(lease)).orElse(null);
        if (task == null) {
            return LeasedWorkers.Outcome.DONE;
        }
        LOG.infof("evaluation %s of %s: attempt %d started", task.evalId(), task.candidate().describe(), lease.attempt());
        Timer.Sample timer = Timer.start(registry);
        String outcome = "retried";
        try {
            EvaluationRunner.Result result = runner.run(task);
            retry.run(() -> transitions.complete(lease, result.summary(), result.itemsKey()));
            registry.counter("refinery_eval_items_total").increment(result.summary().items());
            outcome = "completed";
        } catch (EvaluationFailure f) {
            retry.run(() -> transitions.fail(lease, f.code(), f.getMessage()));
            outcome = "failed";
        } catch (LeaseLostException e) {
            outcome = "superseded";
            throw e;
        } catch (StorageException e) {
            LOG.warnf("evaluation %s: object storage failed, tried again later: %s", task.evalId(), e.getMessage());
            throw e; // the pool gives it back: uncounted when storage is away, counted when it refuses
        } catch (RuntimeException e) {
            if (TransientFailures.isTransient(e)) {
                throw e;
            }
            LOG.errorf(e, "evaluation %s failed unexpectedly", task.evalId());
            retry.run(() -> transitions.fail(lease, "EVAL_INTERNAL_ERROR", "the evaluation failed unexpectedly: " + e));
            outcome = "failed";
        } finally {
            timer.stop(registry.timer("refinery_eval_run_seconds", "outcome", outcome));
            registry.counter("refinery_eval_evaluations_total", "outcome", outcome).increment();
        }
        return LeasedWorkers.Outcome.DONE;
    }

    /** Every attempt the evaluation was allowed failed or died (a crash each time, storage refusing): FAILED, announced. */
    @Override
    public void giveUp(Lease lease, String reason) {
        transitions.fail(lease, "EVAL_GAVE_UP", "gave up: " + reason);
        registry.counter("refinery_eval_evaluations_total", "outcome", "failed").increment();
    }
}
