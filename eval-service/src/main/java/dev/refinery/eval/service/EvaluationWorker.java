package dev.refinery.eval.service;

import dev.refinery.kit.work.AfterCommit;
import dev.refinery.kit.work.DaemonThreads;
import dev.refinery.engine.EngineException;
import dev.refinery.engine.eval.Metrics;
import dev.refinery.eval.config.EvalConfig;
import dev.refinery.kit.storage.StorageException;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.quarkus.scheduler.Scheduled;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import org.jboss.logging.Logger;

import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;

/**
 * Runs evaluations on a fixed, small pool ({@code refinery.eval.workers}, 1 by default): the engine
 * uses every core for one evaluation, and each holds two models in memory. Work arrives three ways:
 * right after the transaction that recorded an evaluation commits, from the sweeper (PENDING rows,
 * retries after transient errors, RUNNING rows whose worker's lease ran out), and from the start-up
 * pass, which takes over every evaluation the previous process left RUNNING. An evaluation is queued
 * at most once per process at a time; the claim in the database decides who really runs it.
 */
@ApplicationScoped
public class EvaluationWorker {

    private static final Logger LOG = Logger.getLogger(EvaluationWorker.class);

    @Inject
    EvalConfig config;

    @Inject
    EvaluationTransitions transitions;

    @Inject
    EvaluationRunner runner;

    @Inject
    AfterCommit afterCommit;

    @Inject
    MeterRegistry registry;

    private final Set<String> queued = ConcurrentHashMap.newKeySet();
    private ExecutorService pool;

    @PostConstruct
    void init() {
        pool = Executors.newFixedThreadPool(Math.max(1, config.workers()), DaemonThreads.numbered("eval-worker"));
        registry.gaugeCollectionSize("refinery_eval_queued_evaluations", Tags.empty(), queued);
    }

    /** Fails start-up on a metric the engine does not know, then takes over what the last process left behind. */
    void onStart(@Observes StartupEvent ev) {
        try {
            Metrics.score(config.metric(), "a", "a");
        } catch (EngineException e) {
            throw new IllegalStateException("refinery.eval.metric: " + e.getMessage(), e);
        }
        try {
            recoverAbandoned();
            sweep();
        } catch (RuntimeException e) {
            LOG.warnf("start-up pass over unfinished evaluations failed (the sweeper will retry): %s", e.getMessage());
        }
    }

    /** Queues the evaluation once the current transaction has committed (before that, no worker could see its row). */
    public void startAfterCommit(String evalId) {
        afterCommit.run(() -> submit(evalId, false));
    }

    /** Re-queues evaluations nobody works on: new ones, retries, and those of workers whose lease ran out. */
    @Scheduled(every = "${refinery.eval.sweep-interval:30s}", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    public void sweep() {
        for (String id : transitions.unclaimed()) {
            submit(id, false);
        }
    }

    /** Takes over evaluations other processes left RUNNING, as after a restart (the start-up pass). */
    public void recoverAbandoned() {
        for (String id : transitions.claimedElsewhere()) {
            submit(id, true);
        }
    }

    private void submit(String evalId, boolean takeOver) {
        if (!queued.add(evalId)) {
            return;
        }
        try {
            pool.execute(() -> {
                try {
                    process(evalId, takeOver);
                } finally {
                    queued.remove(evalId);
                }
            });
        } catch (RejectedExecutionException e) {
            queued.remove(evalId); // shutting down: the next process's start-up pass picks it up
        }
    }

    private void process(String evalId, boolean takeOver) {
        Optional<EvaluationTask> claim;
        try {
            claim = transitions.claim(evalId, takeOver);
        } catch (RuntimeException e) {
            LOG.warnf("cannot claim evaluation %s (the sweeper will retry): %s", evalId, e.getMessage());
            return;
        }
        if (claim.isEmpty()) {
            return;
        }
        EvaluationTask task = claim.get();
        LOG.infof("evaluation %s of job %s: attempt %d started", evalId, task.jobId(), task.attempt());
        Timer.Sample timer = Timer.start(registry);
        String outcome;
        try {
            EvaluationRunner.Result result = runner.run(task);
            outcome = transitions.complete(task, result.summary(), result.itemsKey()) ? "completed" : "superseded";
            registry.counter("refinery_eval_items_total").increment(result.summary().items());
        } catch (EvaluationFailure f) {
            outcome = transitions.fail(task, f.code(), f.getMessage()) ? "failed" : "superseded";
        } catch (StorageException e) {
            LOG.warnf("evaluation %s: object storage failed, will retry: %s", evalId, e.getMessage());
            transitions.release(task, "object storage: " + e.getMessage());
            outcome = "retried";
        } catch (RuntimeException e) {
            LOG.errorf(e, "evaluation %s failed unexpectedly", evalId);
            outcome = transitions.fail(task, "EVAL_INTERNAL_ERROR", "the evaluation failed unexpectedly: " + e) ? "failed" : "superseded";
        }
        timer.stop(registry.timer("refinery_eval_run_seconds", "outcome", outcome));
        registry.counter("refinery_eval_evaluations_total", "outcome", outcome).increment();
    }

    void onStop(@Observes ShutdownEvent ev) {
        // A running evaluation is cut off with the process; its row stays RUNNING and the next start-up pass re-runs it.
        pool.shutdownNow();
    }
}
