package dev.refinery.providers.tracker;

import dev.refinery.providers.spi.JobState;

/**
 * Where following a job stands: the last state reported, the event cursor and the last metric step. A caller
 * stores it with the job and passes it back to {@link JobTracker#track} after a restart, so nothing is reported
 * twice and nothing is missed.
 */
public record TrackingPosition(JobState lastState, String eventCursor, long lastMetricStep) {

    public static final TrackingPosition START = new TrackingPosition(null, null, -1);
}
