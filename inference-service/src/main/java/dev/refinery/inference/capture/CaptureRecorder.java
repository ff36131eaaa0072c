package dev.refinery.inference.capture;

import dev.refinery.inference.config.InferenceConfig;
import dev.refinery.kit.work.DaemonThreads;
import io.quarkus.runtime.ShutdownEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import org.jboss.logging.Logger;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * Hands answers to capture without ever slowing or failing them: the request's thread (never the engine's decode thread)
 * only queues, after the answer is complete; one background thread reads the project's settings and stores. A full queue
 * (the database slower than the traffic) or a failed write loses that capture, logged and counted, never the answer.
 */
@ApplicationScoped
public class CaptureRecorder {

    private static final Logger LOG = Logger.getLogger(CaptureRecorder.class);

    @Inject
    CaptureStore store;

    @Inject
    CaptureMetrics metrics;

    @Inject
    InferenceConfig config;

    private volatile ExecutorService worker;
    /** Answers queued and not stored yet, so that feedback sent right after an answer can wait for it. */
    private final Map<String, CountDownLatch> pending = new ConcurrentHashMap<>();

    private ExecutorService worker() {
        ExecutorService w = worker;
        if (w == null) {
            synchronized (this) {
                if (worker == null) {
                    worker = new ThreadPoolExecutor(1, 1, 0, TimeUnit.MILLISECONDS, new ArrayBlockingQueue<>(config.captureQueue()),
                            DaemonThreads.named("capture"));
                }
                w = worker;
            }
        }
        return w;
    }

    /** Queues an answered request for capture; returns at once. */
    public void answered(CapturedAnswer answer) {
        CountDownLatch stored = new CountDownLatch(1);
        pending.put(answer.responseId(), stored);
        try {
            worker().execute(() -> {
                try {
                    storeQuietly(answer);
                } finally {
                    pending.remove(answer.responseId());
                    stored.countDown();
                }
            });
        } catch (RejectedExecutionException e) {
            pending.remove(answer.responseId());
            LOG.warnf("capture queue full: answer %s of %s not captured", answer.responseId(), answer.tenant());
            metrics.dropped(answer.tenant(), "queue_full");
        } catch (RuntimeException e) {
            pending.remove(answer.responseId());
            LOG.warnf(e, "answer %s of %s not captured", answer.responseId(), answer.tenant());
        }
    }

    /**
     * Waits (at most {@code max}) while the answer {@code responseId} is queued and not stored yet: feedback a client sends as
     * soon as it has the answer finds it.
     */
    public void awaitStored(String responseId, Duration max) {
        CountDownLatch stored = pending.get(responseId);
        if (stored != null) {
            try {
                stored.await(max.toMillis(), TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private void storeQuietly(CapturedAnswer answer) {
        try {
            if (store.store(answer)) {
                metrics.captured(answer.tenant());
                LOG.debugf("captured answer %s of %s", answer.responseId(), answer.tenant());
            }
        } catch (Redactor.TooSlow e) {
            LOG.warnf("answer %s of %s not captured: %s (it is never stored unredacted)", answer.responseId(), answer.tenant(),
                    e.getMessage());
            metrics.dropped(answer.tenant(), "redaction_too_slow");
        } catch (RuntimeException e) {
            LOG.warnf("capturing answer %s of %s failed: %s", answer.responseId(), answer.tenant(), e.getMessage());
            metrics.dropped(answer.tenant(), "store_failed");
        }
    }

    void stop(@Observes ShutdownEvent ev) {
        ExecutorService w = worker;
        if (w != null) {
            w.shutdown();
            try {
                w.awaitTermination(5, TimeUnit.SECONDS); // what is queued is stored if the database answers in time
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
