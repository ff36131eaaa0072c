package dev.refinery.providers.openai;

import com.github.tomakehurst.wiremock.WireMockServer;
import dev.refinery.providers.RecordingSleeper;
import dev.refinery.providers.WireMockSupport;
import dev.refinery.providers.spec.DatasetFile;
import dev.refinery.providers.spec.DatasetFormat;
import dev.refinery.providers.spec.DatasetRefs;
import dev.refinery.providers.spec.JobSpec;
import dev.refinery.providers.spec.SpecValues;
import dev.refinery.catalog.TrainingMethod;
import dev.refinery.providers.spi.ErrorCode;
import dev.refinery.providers.spi.JobState;
import dev.refinery.providers.spi.MetricPoint;
import dev.refinery.providers.spi.Page;
import dev.refinery.providers.spi.ProviderCheckpoint;
import dev.refinery.providers.spi.ProviderEvent;
import dev.refinery.providers.spi.ProviderException;
import dev.refinery.providers.spi.ProviderJob;
import dev.refinery.providers.spi.UploadedFile;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;

import static com.github.tomakehurst.wiremock.client.WireMock.*;
import static org.junit.jupiter.api.Assertions.*;

class OpenAiBackendTest {

    private WireMockServer server;

    @BeforeEach
    void start() {
        server = WireMockSupport.start();
    }

    @AfterEach
    void stop() {
        server.stop();
    }

    private OpenAiBackend backendAt(String instant) {
        Clock clock = Clock.fixed(Instant.parse(instant), ZoneOffset.UTC);
        return new OpenAiBackend(OpenAiConfig.of(WireMockSupport.settings(server, "/v1", new RecordingSleeper(), clock), WireMockSupport.KEY));
    }

    private static JobSpec spec(TrainingMethod method) {
        DatasetFile f = new DatasetFile("t.jsonl", DatasetFormat.JSONL, 1, () -> new ByteArrayInputStream("x".getBytes()));
        JobSpec.Builder b = JobSpec.builder(DatasetRefs.trainingOnly(f), "gpt-4.1-mini-2025-04-14", method).epochs(3).suffix("exp");
        if (method == TrainingMethod.DPO) {
            b.set(dev.refinery.providers.spec.SpecField.DPO_BETA, 0.2);
        }
        return b.build();
    }

    private static final UploadedFile TRAIN = new UploadedFile("openai", "file-t", "t.jsonl", 1);

    @Test
    void newJobsAreRefusedAfterTheCutoffWithTheAlternativesNamed() {
        OpenAiBackend backend = backendAt("2027-01-06T00:00:00Z");
        ProviderException e = assertThrows(ProviderException.class,
                () -> backend.create(backend.resolve(spec(TrainingMethod.SFT), SpecValues.EMPTY), TRAIN, null, "k"));
        assertEquals(ErrorCode.PROVIDER_RETIRED, e.code());
        for (String alternative : List.of("Together", "Fireworks", "Kubernetes", "local")) {
            assertTrue(e.getMessage().contains(alternative), e.getMessage());
        }
        assertEquals(0, server.getAllServeEvents().size(), "nothing was sent");
    }

    @Test
    void createSendsMethodNestedHyperparametersWithAutoAndTheIdempotencyKey() {
        OpenAiBackend backend = backendAt("2026-11-28T00:00:00Z");
        server.stubFor(get(urlPathEqualTo("/v1/fine_tuning/jobs")).willReturn(okJson("{\"object\":\"list\",\"data\":[],\"has_more\":false}")));
        server.stubFor(post("/v1/fine_tuning/jobs").willReturn(okJson("{\"id\":\"ftjob-1\",\"status\":\"validating_files\",\"error\":null,\"created_at\":1764000000}")));
        ProviderJob job = backend.create(backend.resolve(spec(TrainingMethod.DPO), SpecValues.EMPTY), TRAIN, null, "sub-9");
        assertEquals(JobState.VALIDATING, job.state());
        assertEquals(Instant.ofEpochSecond(1764000000), job.createdAt());
        server.verify(getRequestedFor(urlPathEqualTo("/v1/fine_tuning/jobs")).withQueryParam("metadata[refinery_idempotency_key]", equalTo("sub-9")));
        server.verify(postRequestedFor(urlEqualTo("/v1/fine_tuning/jobs")).withRequestBody(equalToJson("""
                {"model":"gpt-4.1-mini-2025-04-14","training_file":"file-t","suffix":"exp","metadata":{"refinery_idempotency_key":"sub-9"},
                 "method":{"type":"dpo","dpo":{"hyperparameters":{"n_epochs":3,"batch_size":"auto","learning_rate_multiplier":"auto","beta":0.2}}}}""")));
    }

    @Test
    void aRepeatedSubmissionFindsTheJobByItsMetadata() {
        OpenAiBackend backend = backendAt("2026-11-28T00:00:00Z");
        server.stubFor(get(urlPathEqualTo("/v1/fine_tuning/jobs")).willReturn(okJson("{\"data\":[{\"id\":\"ftjob-old\",\"status\":\"running\",\"error\":{}}],\"has_more\":false}")));
        ProviderJob job = backend.create(backend.resolve(spec(TrainingMethod.SFT), SpecValues.EMPTY), TRAIN, null, "sub-9");
        assertEquals("ftjob-old", job.id());
        server.verify(0, postRequestedFor(urlEqualTo("/v1/fine_tuning/jobs")));
    }

    @Test
    void learningRateAndLoraSettingsAreRefusedNotDropped() {
        OpenAiBackend backend = backendAt("2026-11-28T00:00:00Z");
        DatasetFile f = new DatasetFile("t.jsonl", DatasetFormat.JSONL, 1, () -> new ByteArrayInputStream("x".getBytes()));
        JobSpec lr = JobSpec.builder(DatasetRefs.trainingOnly(f), "gpt", TrainingMethod.SFT).learningRate(1e-4).build();
        ProviderException e = assertThrows(ProviderException.class, () -> backend.create(backend.resolve(lr, SpecValues.EMPTY), TRAIN, null, "k"));
        assertEquals(ErrorCode.PROVIDER_UNSUPPORTED, e.code());
        assertEquals("learningRate", e.param());
    }

    @Test
    void emptyErrorObjectIsNoErrorAndAFailedJobCarriesItsError() {
        OpenAiBackend backend = backendAt("2026-11-28T00:00:00Z");
        server.stubFor(get("/v1/fine_tuning/jobs/a").willReturn(okJson("{\"id\":\"a\",\"status\":\"running\",\"error\":{},\"fine_tuned_model\":null}")));
        server.stubFor(get("/v1/fine_tuning/jobs/b").willReturn(okJson(
                "{\"id\":\"b\",\"status\":\"failed\",\"error\":{\"code\":\"invalid_training_file\",\"message\":\"line 3\",\"param\":\"training_file\"}}")));
        assertNull(backend.get("a").error());
        ProviderJob b = backend.get("b");
        assertEquals(JobState.FAILED, b.state());
        assertEquals("invalid_training_file", b.error().code());
        assertEquals("training_file", b.error().param());
    }

    @Test
    void pauseAndResume() {
        OpenAiBackend backend = backendAt("2026-11-28T00:00:00Z");
        server.stubFor(post("/v1/fine_tuning/jobs/a/pause").willReturn(okJson("{\"id\":\"a\",\"status\":\"paused\"}")));
        server.stubFor(post("/v1/fine_tuning/jobs/a/resume").willReturn(okJson("{\"id\":\"a\",\"status\":\"running\"}")));
        assertEquals(JobState.PAUSED, backend.pause("a").state());
        assertEquals(JobState.RUNNING, backend.resume("a").state());
    }

    @Test
    void eventsArePagedNewestFirstAndReturnedOldestFirstAfterTheCursor() {
        OpenAiBackend backend = backendAt("2026-11-28T00:00:00Z");
        server.stubFor(get("/v1/fine_tuning/jobs/a/events?limit=100").willReturn(okJson("""
                {"object":"list","data":[
                  {"object":"fine_tuning.job.event","id":"ev-4","created_at":1764000040,"level":"info","message":"Step 2","type":"metrics","data":{"step":2,"train_loss":0.9}},
                  {"object":"fine_tuning.job.event","id":"ev-3","created_at":1764000030,"level":"warn","message":"Step 1","type":"metrics","data":{"step":1,"train_loss":1.2,"valid_loss":1.3}}
                ],"has_more":true}""")));
        server.stubFor(get("/v1/fine_tuning/jobs/a/events?limit=100&after=ev-3").willReturn(okJson("""
                {"object":"list","data":[
                  {"object":"fine_tuning.job.event","id":"ev-2","created_at":1764000020,"level":"info","message":"started","type":"message"},
                  {"object":"fine_tuning.job.event","id":"ev-1","created_at":1764000010,"level":"info","message":"created","type":"message"}
                ],"has_more":false}""")));
        Page<ProviderEvent> all = backend.events("a", null);
        assertEquals(List.of("ev-1", "ev-2", "ev-3", "ev-4"), all.items().stream().map(ProviderEvent::id).toList());
        assertEquals("ev-4", all.nextCursor());
        assertEquals(2L, all.items().get(3).step());
        Page<ProviderEvent> newer = backend.events("a", "ev-3");
        assertEquals(List.of("ev-4"), newer.items().stream().map(ProviderEvent::id).toList());
        assertTrue(backend.events("a", "ev-4").items().isEmpty());

        List<MetricPoint> m = backend.metrics("a");
        assertEquals(2, m.size());
        assertEquals(1.2, m.get(0).trainLoss());
        assertEquals(1.3, m.get(0).evalLoss());
    }

    @Test
    void checkpointsFollowHasMore() {
        OpenAiBackend backend = backendAt("2026-11-28T00:00:00Z");
        server.stubFor(get("/v1/fine_tuning/jobs/a/checkpoints?limit=100").willReturn(okJson(
                "{\"data\":[{\"id\":\"c3\",\"step_number\":30,\"fine_tuned_model_checkpoint\":\"ft:m:org::x:ckpt-step-30\"}],\"has_more\":true,\"last_id\":\"c3\"}")));
        server.stubFor(get("/v1/fine_tuning/jobs/a/checkpoints?limit=100&after=c3").willReturn(okJson(
                "{\"data\":[{\"id\":\"c2\",\"step_number\":20,\"fine_tuned_model_checkpoint\":\"ft:m:org::x:ckpt-step-20\"}],\"has_more\":false}")));
        List<ProviderCheckpoint> c = backend.checkpoints("a");
        assertEquals(List.of(20L, 30L), c.stream().map(ProviderCheckpoint::step).toList());
        assertEquals("ft:m:org::x:ckpt-step-20", c.get(0).reference());
    }

    @Test
    void listPagesWithAfter() {
        OpenAiBackend backend = backendAt("2026-11-28T00:00:00Z");
        server.stubFor(get("/v1/fine_tuning/jobs?limit=20").willReturn(okJson("{\"data\":[{\"id\":\"j2\",\"status\":\"queued\"}],\"has_more\":true}")));
        server.stubFor(get("/v1/fine_tuning/jobs?limit=20&after=j2").willReturn(okJson("{\"data\":[{\"id\":\"j1\",\"status\":\"cancelled\"}],\"has_more\":false}")));
        Page<ProviderJob> p1 = backend.list(null);
        assertEquals("j2", p1.nextCursor());
        Page<ProviderJob> p2 = backend.list(p1.nextCursor());
        assertEquals(JobState.CANCELLED, p2.items().get(0).state());
        assertNull(p2.nextCursor());
    }

    @Test
    void parquetIsRefusedBeforeUploading() {
        OpenAiBackend backend = backendAt("2026-11-28T00:00:00Z");
        DatasetFile p = new DatasetFile("t.parquet", DatasetFormat.PARQUET, 1, () -> new ByteArrayInputStream("x".getBytes()));
        assertEquals(ErrorCode.PROVIDER_UNSUPPORTED, assertThrows(ProviderException.class, () -> backend.upload(p)).code());
    }

    @Test
    void bigFilesUseTheUploadsApiInParts() {
        OpenAiBackend backend = new OpenAiBackend(OpenAiConfig.of(WireMockSupport.settings(server, "/v1", new RecordingSleeper(), Clock.systemUTC()),
                WireMockSupport.KEY).withUploadLimits(4, 4));
        server.stubFor(post("/v1/uploads").willReturn(okJson("{\"id\":\"upload_1\",\"status\":\"pending\"}")));
        server.stubFor(post("/v1/uploads/upload_1/parts").willReturn(okJson("{\"id\":\"part_x\"}")));
        server.stubFor(post("/v1/uploads/upload_1/complete").willReturn(okJson("{\"id\":\"upload_1\",\"status\":\"completed\",\"file\":{\"id\":\"file-big\",\"bytes\":10}}")));
        UploadedFile f = backend.upload(new DatasetFile("t.jsonl", DatasetFormat.JSONL, 10, () -> new ByteArrayInputStream("0123456789".getBytes())));
        assertEquals("file-big", f.id());
        server.verify(3, postRequestedFor(urlEqualTo("/v1/uploads/upload_1/parts")));
        server.verify(postRequestedFor(urlEqualTo("/v1/uploads/upload_1/parts")).withRequestBodyPart(aMultipart().withName("data").withBody(equalTo("89")).build()));
        server.verify(postRequestedFor(urlEqualTo("/v1/uploads")).withRequestBody(equalToJson("{\"bytes\":10,\"purpose\":\"fine-tune\"}", true, true)));
    }
    @Test
    void findSubmittedPagesThroughTheJobsForOurTrainingFile() {
        OpenAiBackend backend = backendAt("2026-11-28T00:00:00Z");
        server.stubFor(get("/v1/fine_tuning/jobs?limit=100").willReturn(okJson("""
                {"object":"list","data":[{"id":"ftjob-9","status":"running","training_file":"file-other"}],"has_more":true}""")));
        server.stubFor(get("/v1/fine_tuning/jobs?limit=100&after=ftjob-9").willReturn(okJson("""
                {"object":"list","data":[{"id":"ftjob-8","status":"paused","training_file":"file-t"},
                                          {"id":"ftjob-7","status":"succeeded","training_file":"file-older"}],"has_more":false}""")));
        ProviderJob found = backend.findSubmitted(TRAIN).orElseThrow();
        assertEquals("ftjob-8", found.id());
        assertEquals(JobState.PAUSED, found.state());
        assertEquals("paused", found.rawStatus());
        assertTrue(backend.findSubmitted(new UploadedFile("openai", "file-none", "t.jsonl", 1)).isEmpty());
        server.verify(0, postRequestedFor(urlPathEqualTo("/v1/fine_tuning/jobs")));
    }

    @Test
    void aPauseTheProviderRefusesIsARejectionWithItsMessage() {
        OpenAiBackend backend = backendAt("2026-11-28T00:00:00Z");
        server.stubFor(post("/v1/fine_tuning/jobs/a/pause").willReturn(aResponse().withStatus(400).withBody(
                "{\"error\":{\"message\":\"Job a is not running\",\"type\":\"invalid_request_error\",\"code\":null}}")));
        ProviderException e = assertThrows(ProviderException.class, () -> backend.pause("a"));
        assertEquals(ErrorCode.PROVIDER_REJECTED, e.code());
        assertTrue(e.getMessage().contains("not running"), e.getMessage());
    }
}
