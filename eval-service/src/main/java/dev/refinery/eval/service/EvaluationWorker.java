package dev.refinery.eval.service;

import dev.refinery.engine.EngineException;
import dev.refinery.engine.eval.Metrics;
import dev.refinery.eval.config.EvalConfig;
import dev.refinery.kit.lease.LeaseKind;
import dev.refinery.kit.lease.LeasedWork;
import dev.refinery.kit.lease.WorkLeases;
import dev.refinery.kit.work.AfterCommit;
import dev.refinery.kit.work.WorkerIdentity;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.quarkus.scheduler.Scheduled;
import jakarta.annotation.PostConstruct;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import jakarta.interceptor.Interceptor;

import java.time.Duration;

/**
 * Runs evaluations on a fixed, small pool ({@code refinery.eval.workers}, 1 by default: the engine uses every core for one
 * evaluation, and each holds two models in memory), each under its work lease (kind {@value EvaluationTransitions#LEASE_KIND}),
 * renewed for as long as it runs. Work arrives right after the transaction that recorded an evaluation commits, and from the
 * sweeper, which hands over every evaluation whose lease is due: recorded before a restart, waiting out a back-off, or left
 * by a process that died (its claim expired). Evaluations a live replica runs are left alone.
 */
@ApplicationScoped
public class EvaluationWorker {

    /** How long a stopping service waits for a running evaluation before its claim is given back (it starts over elsewhere). */
    private static final Duration STOP_GRACE = Duration.ofSeconds(5);

    @Inject
    EvalConfig config;

    @Inject
    WorkLeases leases;

    @Inject
    WorkerIdentity worker;

    @Inject
    EvaluationAttempt attempt;

    @Inject
    AfterCommit afterCommit;

    @Inject
    MeterRegistry registry;

    private LeasedWork work;

    @PostConstruct
    void init() {
        LeaseKind kind = new LeaseKind(EvaluationTransitions.LEASE_KIND, config.lease(), config.maxAttempts(), config.retryBackoff(),
                config.maxRetryBackoff());
        work = new LeasedWork("eval-worker", kind, config.workers(), leases, worker.id(), attempt);
        registry.gauge("refinery_eval_queued_evaluations", work, w -> w.queued().size());
    }

    /** Fails start-up on a metric the engine does not know, then takes up what is due. */
    void onStart(@Observes StartupEvent ev) {
        try {
            Metrics.score(config.metric(), "a", "a");
        } catch (EngineException e) {
            throw new IllegalStateException("refinery.eval.metric: " + e.getMessage(), e);
        }
        work.sweep();
    }

    /** Starts the evaluation once the current transaction has committed (before that, no worker could see its row). */
    public void startAfterCommit(String evalId) {
        afterCommit.run(() -> work.dispatch(evalId));
    }

    /** The safety net: every evaluation whose lease is due. */
    @Scheduled(every = "${refinery.eval.sweep-interval:30s}", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    public void sweep() {
        work.sweep();
    }

    public LeasedWork work() {
        return work;
    }

    /** The kit's one shutdown rule, before the data source closes: no new evaluation starts, claims still held go back uncounted. */
    void onStop(@Observes @Priority(Interceptor.Priority.PLATFORM_BEFORE) ShutdownEvent ev) {
        work.shutdown(STOP_GRACE);
    }
}
