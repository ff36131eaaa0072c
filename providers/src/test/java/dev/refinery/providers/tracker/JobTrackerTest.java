package dev.refinery.providers.tracker;

import dev.refinery.providers.spec.DatasetFile;
import dev.refinery.providers.spec.EffectiveSpec;
import dev.refinery.providers.spec.ProviderDefaults;
import dev.refinery.providers.spi.Capabilities;
import dev.refinery.providers.spi.ErrorCode;
import dev.refinery.providers.spi.EventLevel;
import dev.refinery.providers.spi.JobState;
import dev.refinery.providers.spi.MetricPoint;
import dev.refinery.providers.spi.Page;
import dev.refinery.providers.spi.ProviderCheckpoint;
import dev.refinery.providers.spi.ProviderEvent;
import dev.refinery.providers.spi.ProviderException;
import dev.refinery.providers.spi.ProviderJob;
import dev.refinery.providers.spi.TrainingBackend;
import dev.refinery.providers.spi.UploadedFile;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.*;

class JobTrackerTest {

    /** A backend whose job walks through a scripted list of states (or failures), with one event and metric per poll. */
    static final class ScriptedBackend implements TrainingBackend {
        final Deque<Object> script = new ConcurrentLinkedDeque<>();
        final List<ProviderEvent> log = new CopyOnWriteArrayList<>();
        volatile int gets;

        ScriptedBackend(Object... steps) {
            script.addAll(List.of(steps));
        }

        @Override
        public String name() {
            return "scripted";
        }

        @Override
        public Capabilities capabilities() {
            return Capabilities.builder().build();
        }

        @Override
        public ProviderDefaults providerDefaults() {
            return ProviderDefaults.NONE;
        }

        @Override
        public UploadedFile upload(DatasetFile file) {
            throw new UnsupportedOperationException();
        }

        @Override
        public ProviderJob create(EffectiveSpec s, UploadedFile t, UploadedFile v, String k) {
            throw new UnsupportedOperationException();
        }

        @Override
        public ProviderJob get(String id) {
            gets++;
            Object next = script.size() > 1 ? script.poll() : script.peek();
            if (next instanceof ProviderException e) {
                throw e;
            }
            JobState state = (JobState) next;
            log.add(new ProviderEvent("e" + log.size(), null, EventLevel.INFO, "poll", state.name(), (long) log.size()));
            return new ProviderJob("scripted", id, state, state.name().toLowerCase(), null, null, null, null, null, null, null, null, null,
                    null, null, null, null);
        }

        @Override
        public Page<ProviderEvent> events(String id, String cursor) {
            int from = cursor == null ? 0 : Integer.parseInt(cursor);
            List<ProviderEvent> snapshot = new ArrayList<>(log);
            return new Page<>(snapshot.subList(Math.min(from, snapshot.size()), snapshot.size()), String.valueOf(snapshot.size()), false);
        }

        @Override
        public List<MetricPoint> metrics(String id) {
            List<MetricPoint> points = new ArrayList<>();
            for (int i = 0; i < log.size(); i++) {
                points.add(new MetricPoint(i, 1.0 / (i + 1), null, null, null));
            }
            return points;
        }

        @Override
        public List<ProviderCheckpoint> checkpoints(String id) {
            return List.of();
        }

        @Override
        public ProviderJob cancel(String id) {
            throw new UnsupportedOperationException();
        }
    }

    static final class Recorder implements TrackingListener {
        final List<JobState> states = new CopyOnWriteArrayList<>();
        final List<String> events = new CopyOnWriteArrayList<>();
        final List<Long> steps = new CopyOnWriteArrayList<>();
        final List<ErrorCode> failures = new CopyOnWriteArrayList<>();
        final CountDownLatch done = new CountDownLatch(1);
        volatile TrackingPosition last;

        @Override
        public void onStateChanged(ProviderJob job, ProviderJob previous, TrackingPosition position) {
            states.add(job.state());
        }

        @Override
        public void onEvents(String id, List<ProviderEvent> e, TrackingPosition position) {
            e.forEach(x -> events.add(x.id()));
        }

        @Override
        public void onMetrics(String id, List<MetricPoint> points, TrackingPosition position) {
            points.forEach(p -> steps.add(p.step()));
        }

        @Override
        public void onPollFailed(String id, ProviderException error, int consecutive) {
            failures.add(error.code());
        }

        @Override
        public void onFinished(ProviderJob job, TrackingPosition position) {
            last = position;
            done.countDown();
        }
    }

    private static JobTracker fastTracker() {
        return new JobTracker(TrackerSettings.defaults().withThreads(2)
                .withIntervals(Duration.ofMillis(1), Duration.ofMillis(2), Duration.ofMillis(2)));
    }

    @Test
    void reportsEachTransitionOnceAndStopsAtTheTerminalState() throws Exception {
        ScriptedBackend backend = new ScriptedBackend(JobState.QUEUED, JobState.QUEUED, JobState.RUNNING, JobState.RUNNING, JobState.SUCCEEDED);
        Recorder r = new Recorder();
        try (JobTracker tracker = fastTracker()) {
            assertTrue(tracker.track(backend, "j", null, r));
            assertFalse(tracker.track(backend, "j", null, new Recorder()), "the same job is followed once");
            assertTrue(r.done.await(10, TimeUnit.SECONDS));
            assertEquals(0, tracker.activeCount());
        }
        assertEquals(List.of(JobState.QUEUED, JobState.RUNNING, JobState.SUCCEEDED), r.states);
        assertEquals(5, backend.gets, "no polls after the terminal state");
        assertEquals(List.of("e0", "e1", "e2", "e3", "e4"), r.events, "every event once, in order");
        assertEquals(List.of(0L, 1L, 2L, 3L, 4L), r.steps, "metric points once each");
    }

    @Test
    void failedPollsAreReportedAndTrackingGoesOn() throws Exception {
        ProviderException outage = new ProviderException("scripted", ErrorCode.PROVIDER_UNAVAILABLE, "down");
        ScriptedBackend backend = new ScriptedBackend(JobState.RUNNING, outage, outage, JobState.FAILED);
        Recorder r = new Recorder();
        try (JobTracker tracker = fastTracker()) {
            tracker.track(backend, "j", null, r);
            assertTrue(r.done.await(10, TimeUnit.SECONDS));
        }
        assertEquals(List.of(ErrorCode.PROVIDER_UNAVAILABLE, ErrorCode.PROVIDER_UNAVAILABLE), r.failures);
        assertEquals(List.of(JobState.RUNNING, JobState.FAILED), r.states);
    }

    @Test
    void reattachingFromAStoredPositionRepeatsNothing() throws Exception {
        ScriptedBackend backend = new ScriptedBackend(JobState.RUNNING, JobState.SUCCEEDED);
        backend.log.add(new ProviderEvent("old-0", null, EventLevel.INFO, "poll", "before the restart", 0L));
        backend.log.add(new ProviderEvent("old-1", null, EventLevel.INFO, "poll", "before the restart", 1L));
        Recorder r = new Recorder();
        try (JobTracker tracker = fastTracker()) {
            tracker.track(backend, "j", new TrackingPosition(JobState.RUNNING, "2", 1), r);
            assertTrue(r.done.await(10, TimeUnit.SECONDS));
        }
        assertEquals(List.of(JobState.SUCCEEDED), r.states, "RUNNING was already reported before the restart");
        assertFalse(r.events.contains("old-0") || r.events.contains("old-1"), r.events.toString());
        assertTrue(r.steps.stream().allMatch(s -> s > 1), r.steps.toString());
        assertEquals(JobState.SUCCEEDED, r.last.lastState());
        assertEquals(String.valueOf(backend.log.size()), r.last.eventCursor());
    }

    @Test
    void aThrowingListenerDoesNotStopTracking() throws Exception {
        ScriptedBackend backend = new ScriptedBackend(JobState.RUNNING, JobState.CANCELLED);
        CountDownLatch done = new CountDownLatch(1);
        try (JobTracker tracker = fastTracker()) {
            tracker.track(backend, "j", null, new TrackingListener() {
                @Override
                public void onStateChanged(ProviderJob job, ProviderJob previous, TrackingPosition position) {
                    throw new IllegalStateException("listener bug");
                }

                @Override
                public void onFinished(ProviderJob job, TrackingPosition position) {
                    done.countDown();
                }
            });
            assertTrue(done.await(10, TimeUnit.SECONDS));
        }
    }
}
