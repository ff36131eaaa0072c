package dev.refinery.training.service;

import dev.refinery.kit.work.DaemonThreads;
import dev.refinery.kit.work.AfterCommit;
import dev.refinery.training.config.TrainingSettings;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.scheduler.Scheduled;
import jakarta.annotation.PostConstruct;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import jakarta.interceptor.Interceptor;
import org.jboss.logging.Logger;

import java.util.Collections;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * The bounded set of worker threads that train jobs ({@code refinery.training.pool-size}, default 1);
 * further jobs wait in its queue. A job is held from the moment it is handed over until its attempt
 * ends, and is handed over at most once at a time, however many events or sweeps name it.
 */
@ApplicationScoped
public class JobWorkerPool {

    private static final Logger LOG = Logger.getLogger(JobWorkerPool.class);
    /** How long a stopping service waits for running jobs to checkpoint and hand themselves back. */
    private static final long STOP_GRACE_SECONDS = 30;

    @Inject
    TrainingSettings settings;

    @Inject
    JobLifecycle lifecycle;

    @Inject
    LocalEngineRunner runner;

    @Inject
    AfterCommit afterCommit;

    @Inject
    MeterRegistry registry;

    private final Set<String> held = ConcurrentHashMap.newKeySet();
    private volatile boolean stopping;
    private ThreadPoolExecutor executor;

    @PostConstruct
    void start() {
        int size = Math.max(1, settings.poolSize());
        executor = new ThreadPoolExecutor(size, size, 0, TimeUnit.MILLISECONDS, new LinkedBlockingQueue<>(),
                DaemonThreads.numbered("training-worker"));
        registry.gauge("refinery_training_jobs_held", held, Set::size);
    }

    /** Hands a job to the pool unless it is already there; false when it was not handed over. */
    public boolean dispatch(String jobId) {
        if (stopping || !held.add(jobId)) {
            return false;
        }
        try {
            executor.execute(() -> work(jobId));
            return true;
        } catch (RejectedExecutionException e) {
            held.remove(jobId);
            return false;
        }
    }

    /** Hands a job to the pool once the current transaction has committed (never for a rolled-back one). */
    public void dispatchAfterCommit(String jobId) {
        afterCommit.run(() -> dispatch(jobId));
    }

    /** Jobs handed to this pool and not finished with yet (queued or training). */
    public Set<String> held() {
        return Collections.unmodifiableSet(held);
    }

    @Scheduled(every = "${refinery.training.heartbeat-interval}", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void renewClaims() {
        if (!held.isEmpty()) {
            lifecycle.heartbeat(Set.copyOf(held));
        }
    }

    private void work(String jobId) {
        try {
            if (!stopping) {
                lifecycle.claim(jobId).ifPresent(claim -> {
                    LOG.infof("job %s: attempt %d starts on %s", jobId, claim.attempt(), Thread.currentThread().getName());
                    runner.run(claim, () -> stopping);
                });
            }
        } catch (RuntimeException e) {
            LOG.errorf(e, "job %s: the worker failed outside training; the sweeper will pick the job up again", jobId);
        } finally {
            held.remove(jobId);
        }
    }

    /** Runs before the other shutdown observers (object storage, outbox): a stopping job still needs them to hand itself back. */
    void stop(@Observes @Priority(Interceptor.Priority.PLATFORM_BEFORE) ShutdownEvent event) {
        stopping = true;
        executor.shutdown();
        try {
            if (!executor.awaitTermination(STOP_GRACE_SECONDS, TimeUnit.SECONDS)) {
                LOG.warnf("jobs %s still training after %d s of shutdown; they resume from their newest checkpoint at the next start",
                        held, STOP_GRACE_SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
