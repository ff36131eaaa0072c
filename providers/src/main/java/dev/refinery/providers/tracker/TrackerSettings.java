package dev.refinery.providers.tracker;

import java.time.Duration;

/**
 * How the tracker polls. Queued and paused jobs change rarely, so they are polled less often than running
 * ones; after a failed poll the interval doubles up to {@code maxErrorBackoff}.
 *
 * @param threads the most threads polling at once (each blocks on one HTTP call at a time)
 */
public record TrackerSettings(int threads, Duration runningInterval, Duration queuedInterval, Duration pausedInterval,
                              Duration maxErrorBackoff, boolean followEvents, boolean followMetrics) {

    public TrackerSettings {
        if (threads < 1) {
            throw new IllegalArgumentException("threads must be at least 1");
        }
    }

    public static TrackerSettings defaults() {
        return new TrackerSettings(8, Duration.ofSeconds(15), Duration.ofSeconds(60), Duration.ofMinutes(5), Duration.ofMinutes(10), true, true);
    }

    public TrackerSettings withIntervals(Duration running, Duration queued, Duration paused) {
        return new TrackerSettings(threads, running, queued, paused, maxErrorBackoff, followEvents, followMetrics);
    }

    public TrackerSettings withThreads(int threads) {
        return new TrackerSettings(threads, runningInterval, queuedInterval, pausedInterval, maxErrorBackoff, followEvents, followMetrics);
    }

    public TrackerSettings following(boolean events, boolean metrics) {
        return new TrackerSettings(threads, runningInterval, queuedInterval, pausedInterval, maxErrorBackoff, events, metrics);
    }
}
