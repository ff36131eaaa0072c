package dev.refinery.providers.tracker;

import dev.refinery.providers.spi.MetricPoint;
import dev.refinery.providers.spi.ProviderEvent;
import dev.refinery.providers.spi.ProviderException;
import dev.refinery.providers.spi.ProviderJob;

import java.util.List;

/**
 * What the tracker reports, from its polling threads. Calls for one job never overlap and come in order;
 * a listener that throws is logged nowhere and does not stop the tracking. Each call carries the position to
 * store, so a listener that persists it can reattach after a restart.
 */
public interface TrackingListener {

    /** The canonical state changed ({@code previous} is null on the first poll of a fresh tracking). */
    default void onStateChanged(ProviderJob job, ProviderJob previousOrNull, TrackingPosition position) {
    }

    default void onEvents(String providerJobId, List<ProviderEvent> events, TrackingPosition position) {
    }

    default void onMetrics(String providerJobId, List<MetricPoint> points, TrackingPosition position) {
    }

    /** A poll failed; the tracker keeps going with a longer interval. */
    default void onPollFailed(String providerJobId, ProviderException error, int consecutiveFailures) {
    }

    /** The job reached a terminal state; this is the last call for it. */
    default void onFinished(ProviderJob job, TrackingPosition position) {
    }
}
