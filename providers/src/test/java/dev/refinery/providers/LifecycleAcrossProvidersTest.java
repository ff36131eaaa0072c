package dev.refinery.providers;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.stubbing.Scenario;
import dev.refinery.providers.fireworks.FireworksBackend;
import dev.refinery.providers.fireworks.FireworksConfig;
import dev.refinery.providers.openai.OpenAiBackend;
import dev.refinery.providers.openai.OpenAiConfig;
import dev.refinery.providers.spec.DatasetFile;
import dev.refinery.providers.spec.DatasetFormat;
import dev.refinery.providers.spec.DatasetRefs;
import dev.refinery.providers.spec.JobSpec;
import dev.refinery.providers.spec.SpecValues;
import dev.refinery.catalog.TrainingMethod;
import dev.refinery.providers.spi.JobState;
import dev.refinery.providers.spi.ProviderJob;
import dev.refinery.providers.spi.TrainingBackend;
import dev.refinery.providers.spi.UploadedFile;
import dev.refinery.providers.together.TogetherBackend;
import dev.refinery.providers.together.TogetherConfig;
import dev.refinery.providers.tracker.JobTracker;
import dev.refinery.providers.tracker.TrackerSettings;
import dev.refinery.providers.tracker.TrackingListener;
import dev.refinery.providers.tracker.TrackingPosition;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static com.github.tomakehurst.wiremock.client.WireMock.*;
import static org.junit.jupiter.api.Assertions.*;

/** The same spec, uploaded, created and followed to the end on each provider's documented wire shapes. */
class LifecycleAcrossProvidersTest {

    private static final Clock BEFORE_CUTOFF = Clock.fixed(Instant.parse("2026-11-28T12:00:00Z"), ZoneOffset.UTC);

    private WireMockServer server;

    @BeforeEach
    void start() {
        server = WireMockSupport.start();
    }

    @AfterEach
    void stop() {
        server.stop();
    }

    private void walk(String url, String... bodies) {
        String state = Scenario.STARTED;
        for (int i = 0; i < bodies.length; i++) {
            String nextState = "s" + (i + 1);
            var stub = get(url).inScenario(url).whenScenarioStateIs(state).willReturn(okJson(bodies[i]));
            server.stubFor(i < bodies.length - 1 ? stub.willSetStateTo(nextState) : stub);
            state = nextState;
        }
    }

    private TrainingBackend together() {
        server.stubFor(post("/together/files/upload").willReturn(okJson("{\"id\":\"file-1\",\"filename\":\"train.jsonl\",\"bytes\":9}")));
        server.stubFor(get(urlPathEqualTo("/together/fine-tunes/models/limits")).willReturn(okJson("{\"lora_training\":{\"max_rank\":16}}")));
        server.stubFor(post("/together/fine-tunes").willReturn(okJson("{\"id\":\"ft-1\",\"status\":\"pending\"}")));
        walk("/together/fine-tunes/ft-1", "{\"id\":\"ft-1\",\"status\":\"queued\"}", "{\"id\":\"ft-1\",\"status\":\"running\",\"steps_completed\":3}",
                "{\"id\":\"ft-1\",\"status\":\"uploading\",\"steps_completed\":10}", "{\"id\":\"ft-1\",\"status\":\"completed\",\"total_price\":2500000000}");
        server.stubFor(get("/together/fine-tunes/ft-1/events").willReturn(okJson("{\"data\":[]}")));
        server.stubFor(get("/together/fine-tunes/ft-1/metrics").willReturn(okJson("{\"metrics\":[]}")));
        return new TogetherBackend(TogetherConfig.of(WireMockSupport.settings(server, "/together", new RecordingSleeper(), BEFORE_CUTOFF), WireMockSupport.KEY));
    }

    private TrainingBackend fireworks() {
        server.stubFor(post("/fw/accounts/acct/datasets").willReturn(okJson("{\"name\":\"accounts/acct/datasets/d\"}")));
        server.stubFor(post(urlPathMatching("/fw/accounts/acct/datasets/[a-z0-9-]+:upload")).willReturn(okJson("{\"bytes\":9}")));
        server.stubFor(post(urlPathEqualTo("/fw/accounts/acct/supervisedFineTuningJobs"))
                .willReturn(okJson("{\"name\":\"accounts/acct/supervisedFineTuningJobs/sub-1\",\"state\":\"JOB_STATE_CREATING\"}")));
        String job = "accounts/acct/supervisedFineTuningJobs/sub-1";
        walk("/fw/" + job, "{\"name\":\"" + job + "\",\"state\":\"JOB_STATE_PENDING\"}", "{\"name\":\"" + job + "\",\"state\":2}",
                "{\"name\":\"" + job + "\",\"state\":\"WRITING_RESULTS\"}",
                "{\"name\":\"" + job + "\",\"state\":\"JobState.JOB_STATE_COMPLETED\",\"estimatedCost\":{\"currencyCode\":\"USD\",\"units\":\"2\",\"nanos\":500000000}}");
        return new FireworksBackend(FireworksConfig.of(WireMockSupport.settings(server, "/fw", new RecordingSleeper(), BEFORE_CUTOFF), WireMockSupport.KEY, "acct"));
    }

    private TrainingBackend openai() {
        server.stubFor(post("/oa/files").willReturn(okJson("{\"id\":\"file-o\",\"object\":\"file\",\"bytes\":9,\"status\":\"processed\"}")));
        server.stubFor(get(urlPathEqualTo("/oa/fine_tuning/jobs")).willReturn(okJson("{\"object\":\"list\",\"data\":[],\"has_more\":false}")));
        server.stubFor(post("/oa/fine_tuning/jobs").willReturn(okJson("{\"id\":\"ftjob-1\",\"status\":\"validating_files\",\"error\":null}")));
        walk("/oa/fine_tuning/jobs/ftjob-1", "{\"id\":\"ftjob-1\",\"status\":\"queued\",\"error\":{}}", "{\"id\":\"ftjob-1\",\"status\":\"running\",\"error\":{}}",
                "{\"id\":\"ftjob-1\",\"status\":\"running\",\"error\":{}}",
                "{\"id\":\"ftjob-1\",\"status\":\"succeeded\",\"error\":{},\"trained_tokens\":12000,\"fine_tuned_model\":\"ft:gpt-4o-mini:org::abc\"}");
        server.stubFor(get(urlPathEqualTo("/oa/fine_tuning/jobs/ftjob-1/events")).willReturn(okJson("{\"data\":[],\"has_more\":false}")));
        return new OpenAiBackend(OpenAiConfig.of(WireMockSupport.settings(server, "/oa", new RecordingSleeper(), BEFORE_CUTOFF), WireMockSupport.KEY));
    }

    @ParameterizedTest
    @ValueSource(strings = {"together", "fireworks", "openai"})
    void uploadCreateAndFollowGiveTheSameCanonicalStates(String provider) throws InterruptedException {
        TrainingBackend backend = switch (provider) {
            case "together" -> together();
            case "fireworks" -> fireworks();
            default -> openai();
        };
        byte[] bytes = "{\"a\":1}\n".getBytes(StandardCharsets.UTF_8);
        DatasetFile file = new DatasetFile("train.jsonl", DatasetFormat.JSONL, bytes.length, () -> new ByteArrayInputStream(bytes));
        JobSpec spec = JobSpec.builder(DatasetRefs.trainingOnly(file), "base-model", TrainingMethod.SFT).epochs(2).build();

        UploadedFile uploaded = backend.upload(file);
        ProviderJob created = backend.create(backend.resolve(spec, SpecValues.EMPTY), uploaded, null, "sub-1");
        assertFalse(created.isTerminal());

        List<JobState> states = new CopyOnWriteArrayList<>();
        CountDownLatch finished = new CountDownLatch(1);
        ProviderJob[] last = new ProviderJob[1];
        try (JobTracker tracker = new JobTracker(TrackerSettings.defaults().withThreads(2)
                .withIntervals(Duration.ofMillis(1), Duration.ofMillis(1), Duration.ofMillis(1)))) {
            tracker.track(backend, created.id(), TrackingPosition.START, new TrackingListener() {
                @Override
                public void onStateChanged(ProviderJob job, ProviderJob previous, TrackingPosition position) {
                    states.add(job.state());
                }

                @Override
                public void onFinished(ProviderJob job, TrackingPosition position) {
                    last[0] = job;
                    finished.countDown();
                }
            });
            assertTrue(finished.await(30, TimeUnit.SECONDS), "the job never finished: " + states);
        }
        assertEquals(List.of(JobState.QUEUED, JobState.RUNNING, JobState.SUCCEEDED), states);
        if (!provider.equals("openai")) {
            assertEquals(0, new java.math.BigDecimal("2.5").compareTo(last[0].costUsd()), provider + " cost");
        } else {
            assertEquals(12000L, last[0].billedTokens());
            assertNull(last[0].error(), "error: {} on a good job is no error");
        }
    }
}
