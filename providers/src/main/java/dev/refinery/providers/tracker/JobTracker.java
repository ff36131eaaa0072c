package dev.refinery.providers.tracker;

import dev.refinery.providers.spi.JobState;
import dev.refinery.providers.spi.MetricPoint;
import dev.refinery.providers.spi.Page;
import dev.refinery.providers.spi.ProviderEvent;
import dev.refinery.providers.spi.ProviderException;
import dev.refinery.providers.spi.ProviderJob;
import dev.refinery.providers.spi.TrainingBackend;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;

/**
 * Follows many provider jobs at once with a fixed number of threads: each job is a task that polls, reports
 * what changed and schedules its next poll by state, until the job ends. Connections are bounded by the
 * backends' transports (each caps its requests in flight) and by the thread count. Tracking is keyed by
 * backend and job id, so tracking the same job twice is a no-op, and {@link #track} with a stored
 * {@link TrackingPosition} reattaches after a restart.
 */
public final class JobTracker implements AutoCloseable {

    private final TrackerSettings settings;
    private final ScheduledThreadPoolExecutor pool;
    private final Map<String, Follower> followers = new ConcurrentHashMap<>();
    private final AtomicLong polls = new AtomicLong();

    public JobTracker(TrackerSettings settings) {
        this.settings = settings;
        AtomicInteger n = new AtomicInteger();
        this.pool = new ScheduledThreadPoolExecutor(settings.threads(), r -> {
            Thread t = new Thread(r, "job-tracker-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        this.pool.setRemoveOnCancelPolicy(true);
    }

    /** Starts following a job (first poll at once); returns false if it is already followed. */
    public boolean track(TrainingBackend backend, String providerJobId, TrackingPosition from, TrackingListener listener) {
        String key = backend.name() + "/" + providerJobId;
        Follower f = new Follower(key, backend, providerJobId, from == null ? TrackingPosition.START : from, listener);
        if (followers.putIfAbsent(key, f) != null) {
            return false;
        }
        f.schedule(Duration.ZERO);
        return true;
    }

    /** Stops following a job without waiting for it to end. */
    public void untrack(TrainingBackend backend, String providerJobId) {
        Follower f = followers.remove(backend.name() + "/" + providerJobId);
        if (f != null) {
            f.stop();
        }
    }

    public int activeCount() {
        return followers.size();
    }

    public long pollCount() {
        return polls.get();
    }

    public int threads() {
        return settings.threads();
    }

    @Override
    public void close() {
        pool.shutdownNow();
        followers.clear();
    }

    private Duration intervalFor(JobState state) {
        if (state == null) {
            return settings.queuedInterval();
        }
        switch (state) {
            case QUEUED:
            case VALIDATING:
                return settings.queuedInterval();
            case PAUSED:
                return settings.pausedInterval();
            default:
                return settings.runningInterval();
        }
    }

    /** One followed job. Only one poll of it runs at a time: the next is scheduled when this one ends. */
    private final class Follower implements Runnable {
        private final String key;
        private final TrainingBackend backend;
        private final String id;
        private final TrackingListener listener;
        private ProviderJob last;
        private JobState lastState;
        private String cursor;
        private long lastStep;
        private int failures;
        private volatile boolean stopped;
        private volatile ScheduledFuture<?> next;

        Follower(String key, TrainingBackend backend, String id, TrackingPosition from, TrackingListener listener) {
            this.key = key;
            this.backend = backend;
            this.id = id;
            this.listener = listener;
            this.lastState = from.lastState();
            this.cursor = from.eventCursor();
            this.lastStep = from.lastMetricStep();
        }

        void schedule(Duration delay) {
            if (!stopped && !pool.isShutdown()) {
                next = pool.schedule(this, delay.toMillis(), TimeUnit.MILLISECONDS);
            }
        }

        void stop() {
            stopped = true;
            ScheduledFuture<?> f = next;
            if (f != null) {
                f.cancel(false);
            }
        }

        private TrackingPosition position() {
            return new TrackingPosition(lastState, cursor, lastStep);
        }

        @Override
        public void run() {
            if (stopped) {
                return;
            }
            polls.incrementAndGet();
            ProviderJob job;
            try {
                job = backend.get(id);
                if (job.state() != lastState) {
                    ProviderJob previous = last;
                    lastState = job.state();
                    last = job;
                    notify(() -> listener.onStateChanged(job, previous, position()));
                }
                last = job;
                if (settings.followEvents()) {
                    followEvents();
                }
                if (settings.followMetrics() && (job.state() == JobState.RUNNING || job.isTerminal())) {
                    followMetrics();
                }
                failures = 0;
            } catch (ProviderException e) {
                failures++;
                int count = failures;
                notify(() -> listener.onPollFailed(id, e, count));
                schedule(backoff(intervalFor(lastState), failures));
                return;
            } catch (RuntimeException e) {
                failures++;
                schedule(backoff(intervalFor(lastState), failures));
                return;
            }
            if (job.isTerminal()) {
                followers.remove(key, this);
                notify(() -> listener.onFinished(job, position()));
                return;
            }
            schedule(intervalFor(job.state()));
        }

        private void followEvents() {
            Page<ProviderEvent> page = backend.events(id, cursor);
            cursor = page.nextCursor();
            if (!page.items().isEmpty()) {
                notify(() -> listener.onEvents(id, page.items(), position()));
            }
        }

        private void followMetrics() {
            List<MetricPoint> fresh = backend.metrics(id).stream().filter(p -> p.step() > lastStep).collect(Collectors.toList());
            if (!fresh.isEmpty()) {
                lastStep = fresh.stream().mapToLong(MetricPoint::step).max().orElse(lastStep);
                notify(() -> listener.onMetrics(id, fresh, position()));
            }
        }

        private Duration backoff(Duration base, int failures) {
            long millis = Math.max(base.toMillis(), 1) << Math.min(failures, 20);
            return Duration.ofMillis(Math.min(millis, settings.maxErrorBackoff().toMillis()));
        }

        /** A listener's failure is its own business: tracking goes on. */
        private void notify(Runnable call) {
            try {
                call.run();
            } catch (RuntimeException ignored) {
                // deliberately swallowed, see the class comment of TrackingListener
            }
        }
    }
}
