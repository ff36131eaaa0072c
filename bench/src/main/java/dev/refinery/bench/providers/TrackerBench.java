package dev.refinery.bench.providers;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;
import com.github.tomakehurst.wiremock.extension.ResponseDefinitionTransformerV2;
import com.github.tomakehurst.wiremock.http.ResponseDefinition;
import com.github.tomakehurst.wiremock.stubbing.ServeEvent;
import dev.refinery.providers.http.ApiKey;
import dev.refinery.providers.http.RetryPolicy;
import dev.refinery.providers.http.Sleeper;
import dev.refinery.providers.http.TransportSettings;
import dev.refinery.providers.spi.ProviderJob;
import dev.refinery.providers.together.TogetherBackend;
import dev.refinery.providers.together.TogetherConfig;
import dev.refinery.providers.tracker.JobTracker;
import dev.refinery.providers.tracker.TrackerSettings;
import dev.refinery.providers.tracker.TrackingListener;
import dev.refinery.providers.tracker.TrackingPosition;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static com.github.tomakehurst.wiremock.client.WireMock.*;

/**
 * JobTracker following many Together jobs at once against a WireMock stand-in with a fixed latency. Each job
 * answers queued on its first two polls, running on the next two and completed from the fifth, so every job
 * takes five polls (plus events and metrics calls while running).
 *
 * <pre>java -cp bench/target/classes:$(cat bench/target/classpath.txt) dev.refinery.bench.providers.TrackerBench [jobs] [threads] [latencyMs]</pre>
 */
public final class TrackerBench {

    /** Counts polls per job id and answers the status that count reaches. */
    static final class JobWalk implements ResponseDefinitionTransformerV2 {
        final Map<String, AtomicInteger> polls = new ConcurrentHashMap<>();

        @Override
        public ResponseDefinition transform(ServeEvent event) {
            String url = event.getRequest().getUrl();
            String id = url.substring(url.lastIndexOf('/') + 1);
            int n = polls.computeIfAbsent(id, k -> new AtomicInteger()).incrementAndGet();
            String status = n <= 2 ? "queued" : n <= 4 ? "running" : "completed";
            String body = "{\"id\":\"" + id + "\",\"status\":\"" + status + "\",\"steps_completed\":" + (n * 10) + ",\"total_steps\":50}";
            return ResponseDefinitionBuilder.like(event.getResponseDefinition()).withBody(body).build();
        }

        @Override
        public boolean applyGlobally() {
            return false;
        }

        @Override
        public String getName() {
            return "job-walk";
        }
    }

    public static void main(String[] args) throws Exception {
        int jobs = args.length > 0 ? Integer.parseInt(args[0]) : 1000;
        int threads = args.length > 1 ? Integer.parseInt(args[1]) : 32;
        int latencyMs = args.length > 2 ? Integer.parseInt(args[2]) : 50;

        JobWalk walk = new JobWalk();
        WireMockServer server = new WireMockServer(WireMockConfiguration.options().dynamicPort()
                .containerThreads(threads * 2 + 16).asynchronousResponseEnabled(true).asynchronousResponseThreads(threads * 2)
                .disableRequestJournal().extensions(walk));
        server.start();
        server.stubFor(get(urlPathMatching("/v1/fine-tunes/[^/]+")).willReturn(okJson("{}").withFixedDelay(latencyMs)
                .withTransformers("job-walk")));
        server.stubFor(get(urlPathMatching("/v1/fine-tunes/[^/]+/events")).willReturn(okJson("{\"data\":[]}").withFixedDelay(latencyMs)));
        server.stubFor(get(urlPathMatching("/v1/fine-tunes/[^/]+/metrics")).willReturn(okJson("{\"metrics\":[]}").withFixedDelay(latencyMs)));

        TransportSettings transport = new TransportSettings(URI.create(server.baseUrl() + "/v1"), Duration.ofSeconds(5),
                Duration.ofSeconds(30), Duration.ofMinutes(1), RetryPolicy.DEFAULT, Sleeper.REAL, Clock.systemUTC(), threads);
        TogetherBackend backend = new TogetherBackend(TogetherConfig.of(transport, () -> ApiKey.of("bench-key")));
        TrackerSettings settings = TrackerSettings.defaults().withThreads(threads)
                .withIntervals(Duration.ofMillis(200), Duration.ofMillis(500), Duration.ofSeconds(1));

        System.gc();
        long heapBefore = usedHeap();
        resetPeaks();
        CountDownLatch finished = new CountDownLatch(jobs);
        AtomicInteger transitions = new AtomicInteger();
        long start = System.nanoTime();
        try (JobTracker tracker = new JobTracker(settings)) {
            TrackingListener listener = new TrackingListener() {
                @Override
                public void onStateChanged(ProviderJob job, ProviderJob previous, TrackingPosition position) {
                    transitions.incrementAndGet();
                }

                @Override
                public void onFinished(ProviderJob job, TrackingPosition position) {
                    finished.countDown();
                }
            };
            for (int i = 0; i < jobs; i++) {
                tracker.track(backend, "ft-" + i, TrackingPosition.START, listener);
            }
            boolean done = finished.await(10, TimeUnit.MINUTES);
            double seconds = (System.nanoTime() - start) / 1e9;
            long peakHeap = peakHeap();
            System.gc();
            long heapAfter = usedHeap();
            int trackerThreads = countThreads("job-tracker-");
            int clientThreads = countThreads("together-http-") + countThreads("HttpClient-");

            System.out.printf("# TrackerBench %s, %d jobs, %d tracker threads, %d ms latency, load average %.1f%n",
                    java.time.Instant.now(), jobs, threads, latencyMs, ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
            System.out.println("| measure | value |");
            System.out.println("|---|---:|");
            row("all jobs finished", done ? "yes" : "NO (" + finished.getCount() + " left)");
            row("wall time to finish all", String.format("%.1f s", seconds));
            row("polls (get + events + metrics while running)", tracker.pollCount());
            row("polls/s", String.format("%.0f", tracker.pollCount() / seconds));
            row("HTTP requests", backend.http().stats().requests());
            row("HTTP requests/s", String.format("%.0f", backend.http().stats().requests() / seconds));
            row("state transitions reported", transitions.get() + " (expected " + 3 * jobs + ")");
            row("tracker threads (configured / alive at end)", threads + " / " + trackerThreads);
            row("HTTP client threads alive at end (executor + selector)", clientThreads);
            row("peak requests in flight = peak HTTP/1.1 connections", backend.http().stats().peakInFlight() + " (cap " + threads + ")");
            row("heap used before / after GC at end", mib(heapBefore) + " / " + mib(heapAfter));
            row("peak heap during the run, sum of per-pool peaks (WireMock runs in the same JVM)", mib(peakHeap));
        } finally {
            server.stop();
        }
    }

    private static void row(String k, Object v) {
        System.out.println("| " + k + " | " + v + " |");
    }

    private static String mib(long bytes) {
        return String.format("%.1f MiB", bytes / 1048576.0);
    }

    private static long usedHeap() {
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }

    private static void resetPeaks() {
        ManagementFactory.getMemoryPoolMXBeans().forEach(MemoryPoolMXBean::resetPeakUsage);
    }

    private static long peakHeap() {
        long sum = 0;
        for (MemoryPoolMXBean p : ManagementFactory.getMemoryPoolMXBeans()) {
            if (p.getType() == MemoryType.HEAP) {
                sum += p.getPeakUsage().getUsed();
            }
        }
        return sum;
    }

    private static int countThreads(String prefix) {
        return (int) Thread.getAllStackTraces().keySet().stream().filter(t -> t.getName().startsWith(prefix)).count();
    }
}
