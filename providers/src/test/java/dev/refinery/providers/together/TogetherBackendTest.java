package dev.refinery.providers.together;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.stubbing.Scenario;
import dev.refinery.providers.RecordingSleeper;
import dev.refinery.providers.WireMockSupport;
import dev.refinery.providers.spec.DatasetFile;
import dev.refinery.providers.spec.DatasetFormat;
import dev.refinery.providers.spec.DatasetRefs;
import dev.refinery.providers.spec.DpoVariant;
import dev.refinery.providers.spec.EffectiveSpec;
import dev.refinery.providers.spec.JobSpec;
import dev.refinery.providers.spec.SpecField;
import dev.refinery.providers.spec.SpecValues;
import dev.refinery.catalog.TrainingMethod;
import dev.refinery.providers.spec.ValueSource;
import dev.refinery.providers.spi.ArtifactDownload;
import dev.refinery.providers.spi.EventLevel;
import dev.refinery.providers.spi.JobState;
import dev.refinery.providers.spi.MetricPoint;
import dev.refinery.providers.spi.Page;
import dev.refinery.providers.spi.ProviderCheckpoint;
import dev.refinery.providers.spi.ProviderEvent;
import dev.refinery.providers.spi.ProviderJob;
import dev.refinery.providers.spi.UploadedFile;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;

import static com.github.tomakehurst.wiremock.client.WireMock.*;
import static org.junit.jupiter.api.Assertions.*;

class TogetherBackendTest {

    private WireMockServer server;
    private RecordingSleeper sleeper;
    private TogetherBackend backend;

    @BeforeEach
    void start() {
        server = WireMockSupport.start();
        sleeper = new RecordingSleeper();
        backend = new TogetherBackend(config());
    }

    private TogetherConfig config() {
        return TogetherConfig.of(WireMockSupport.settings(server, "/v1", sleeper, Clock.systemUTC()), WireMockSupport.KEY);
    }

    @AfterEach
    void stop() {
        server.stop();
    }

    static DatasetFile file(String content) {
        byte[] bytes = content.getBytes(StandardCharsets.UTF_8);
        return new DatasetFile("train.jsonl", DatasetFormat.JSONL, bytes.length, () -> new ByteArrayInputStream(bytes));
    }

    private static String fileJson(String id) {
        return "{\"id\":\"" + id + "\",\"object\":\"file\",\"created_at\":1730000000,\"filename\":\"train.jsonl\",\"bytes\":12,"
                + "\"purpose\":\"fine-tune\",\"FileType\":\"jsonl\",\"Processed\":true,\"LineCount\":1}";
    }

    private static String job(String status, long steps, Long totalPrice) {
        return "{\"id\":\"ft-1\",\"status\":\"" + status + "\",\"model\":\"Qwen/Qwen3-8B\",\"created_at\":\"2026-11-28T10:00:00Z\","
                + "\"updated_at\":\"2026-11-28T10:05:00Z\",\"steps_completed\":" + steps + ",\"total_steps\":10,\"epochs_completed\":"
                + (steps / 10.0) + ",\"token_count\":5000" + (totalPrice == null ? "" : ",\"total_price\":" + totalPrice)
                + ",\"model_output_name\":\"me/Qwen3-8B-ft\",\"TrainingFileNumLines\":100}";
    }

    @Test
    void uploadsCreatesAndPollsToCompletion() {
        server.stubFor(post("/v1/files/upload").willReturn(okJson(fileJson("file-abc"))));
        server.stubFor(get(urlPathEqualTo("/v1/fine-tunes/models/limits")).willReturn(okJson("{\"lora_training\":{\"max_rank\":64}}")));
        server.stubFor(post("/v1/fine-tunes").willReturn(okJson(job("pending", 0, null))));
        server.stubFor(get("/v1/fine-tunes/ft-1").inScenario("life").whenScenarioStateIs(Scenario.STARTED)
                .willReturn(okJson(job("queued", 0, null))).willSetStateTo("r"));
        server.stubFor(get("/v1/fine-tunes/ft-1").inScenario("life").whenScenarioStateIs("r")
                .willReturn(okJson(job("running", 5, null))).willSetStateTo("c"));
        server.stubFor(get("/v1/fine-tunes/ft-1").inScenario("life").whenScenarioStateIs("c")
                .willReturn(okJson(job("completed", 10, 1_234_500_000L))));

        UploadedFile train = backend.upload(file("{\"text\":\"a\"}"));
        assertEquals("file-abc", train.id());
        server.verify(postRequestedFor(urlEqualTo("/v1/files/upload"))
                .withHeader("Authorization", equalTo("Bearer " + WireMockSupport.SECRET))
                .withRequestBodyPart(aMultipart().withName("purpose").withBody(equalTo("fine-tune")).build())
                .withRequestBodyPart(aMultipart().withName("file_type").withBody(equalTo("jsonl")).build())
                .withRequestBodyPart(aMultipart().withName("file").withBody(equalTo("{\"text\":\"a\"}")).build()));

        JobSpec spec = JobSpec.builder(DatasetRefs.trainingOnly(file("x")), "Qwen/Qwen3-8B", TrainingMethod.SFT).epochs(3).build();
        EffectiveSpec effective = backend.resolve(spec, SpecValues.EMPTY);
        ProviderJob created = backend.create(effective, train, null, "key-1");
        assertEquals(JobState.QUEUED, created.state());
        assertEquals("pending", created.rawStatus());
        server.verify(postRequestedFor(urlEqualTo("/v1/fine-tunes")).withRequestBody(equalToJson("""
                {"training_file":"file-abc","model":"Qwen/Qwen3-8B","n_epochs":3,"n_checkpoints":1,"n_evals":0,
                 "batch_size":"max","learning_rate":1.0E-5,"warmup_ratio":0.0,"max_grad_norm":1.0,"weight_decay":0.0,
                 "lr_scheduler":{"lr_scheduler_type":"cosine","lr_scheduler_args":{"min_lr_ratio":0.0,"num_cycles":0.5}},
                 "training_type":{"type":"Lora","lora_r":64,"lora_alpha":128.0,"lora_dropout":0.0,"lora_trainable_modules":"all-linear"},
                 "training_method":{"method":"sft","train_on_inputs":"auto"}}""")));

        List<JobState> states = new ArrayList<>();
        ProviderJob last;
        do {
            last = backend.get("ft-1");
            states.add(last.state());
        } while (!last.isTerminal());
        assertEquals(List.of(JobState.QUEUED, JobState.RUNNING, JobState.SUCCEEDED), states);
        assertEquals(0, new BigDecimal("1.2345").compareTo(last.costUsd()), "total_price is nano-dollars");
        assertEquals(10L, last.stepsCompleted());
        assertEquals(5000L, last.trainedTokens());
        assertEquals("me/Qwen3-8B-ft", last.outputModel());
        assertNotNull(last.finishedAt());
    }

    @Test
    void effectiveSpecRecordsWhereEachValueCameFrom() {
        server.stubFor(get(urlPathEqualTo("/v1/fine-tunes/models/limits")).willReturn(okJson("{\"lora_training\":{\"max_rank\":32}}")));
        JobSpec spec = JobSpec.builder(DatasetRefs.trainingOnly(file("x")), "m", TrainingMethod.SFT).learningRate(3e-4).build();
        EffectiveSpec e = backend.resolve(spec, SpecValues.EMPTY.with(SpecField.EPOCHS, 2));
        assertEquals(ValueSource.USER, e.source(SpecField.LEARNING_RATE).orElseThrow());
        assertEquals(ValueSource.CATALOG_DEFAULT, e.source(SpecField.EPOCHS).orElseThrow());
        assertEquals(2, e.value(SpecField.EPOCHS).orElseThrow());
        assertEquals(ValueSource.PROVIDER_DEFAULT, e.source(SpecField.LORA_RANK).orElseThrow());
        assertEquals(32, e.value(SpecField.LORA_RANK).orElseThrow());
        assertEquals(64.0, e.value(SpecField.LORA_ALPHA).orElseThrow(), "alpha defaults to twice the rank");
        assertFalse(e.value(SpecField.DPO_BETA).isPresent(), "no DPO defaults on an SFT job");
    }

    @Test
    void simpoForcesReferenceFreeAndNormalisationAndFromCheckpointReplacesModel() {
        server.stubFor(post("/v1/fine-tunes").willReturn(okJson(job("pending", 0, null))));
        JobSpec spec = JobSpec.builder(DatasetRefs.trainingOnly(file("x")), "m", TrainingMethod.DPO)
                .lora(8, null, null, null).dpo(DpoVariant.SIMPO, 0.2, 0.5, 1.5).fromCheckpoint("ft-sft:40").build();
        backend.create(backend.resolve(spec, SpecValues.EMPTY), new UploadedFile("together", "file-1", "t", 1), null, "k");
        server.verify(postRequestedFor(urlEqualTo("/v1/fine-tunes")).withRequestBody(equalToJson("""
                {"from_checkpoint":"ft-sft:40","training_type":{"type":"Lora","lora_r":8,"lora_alpha":16.0},
                 "training_method":{"method":"dpo","dpo_beta":0.2,"rpo_alpha":0.5,"dpo_normalize_logratios_by_length":true,
                   "dpo_reference_free":true,"simpo_gamma":1.5}}""", true, true)));
        server.verify(postRequestedFor(urlEqualTo("/v1/fine-tunes")).withRequestBody(notContaining("\"model\"")));
    }

    @Test
    void redirectUploadPutsBytesToTheLocationWithoutOurKey() {
        backend = new TogetherBackend(config().withUploadPath(TogetherConfig.UploadPath.REDIRECT));
        server.stubFor(post("/v1/files").willReturn(aResponse().withStatus(302)
                .withHeader("Location", server.baseUrl() + "/bucket/obj?X-Amz-Signature=s3cr3t")
                .withHeader("X-Together-File-Id", "file-redir")));
        server.stubFor(put(urlPathEqualTo("/bucket/obj")).willReturn(ok()));
        server.stubFor(post("/v1/files/file-redir/preprocess").willReturn(okJson(fileJson("file-redir"))));

        UploadedFile f = backend.upload(file("{\"text\":\"hello\"}"));

        assertEquals("file-redir", f.id());
        server.verify(postRequestedFor(urlEqualTo("/v1/files"))
                .withRequestBody(containing("purpose=fine-tune")).withRequestBody(containing("file_name=train.jsonl")));
        server.verify(putRequestedFor(urlPathEqualTo("/bucket/obj")).withoutHeader("Authorization")
                .withRequestBody(equalTo("{\"text\":\"hello\"}")));
    }

    @Test
    void largeFilesGoThroughMultipartWithEtagsUnquoted() {
        backend = new TogetherBackend(config().withMultipart(10, 8));
        String content = "0123456789abcdefghij"; // 20 bytes: parts of 8, 8, 4
        server.stubFor(post("/v1/files/multipart/initiate").willReturn(okJson("{\"upload_id\":\"up-1\",\"file_id\":\"file-big\",\"parts\":["
                + "{\"PartNumber\":1,\"URL\":\"" + server.baseUrl() + "/s3/p1\",\"Headers\":{}},"
                + "{\"PartNumber\":2,\"URL\":\"" + server.baseUrl() + "/s3/p2\",\"Headers\":{}},"
                + "{\"PartNumber\":3,\"URL\":\"" + server.baseUrl() + "/s3/p3\",\"Headers\":{}}]}")));
        for (int i = 1; i <= 3; i++) {
            server.stubFor(put("/s3/p" + i).willReturn(ok().withHeader("ETag", "\"etag-" + i + "\"")));
        }
        server.stubFor(post("/v1/files/multipart/complete").willReturn(okJson("{\"file\":" + fileJson("file-big") + "}")));

        UploadedFile f = backend.upload(file(content));

        assertEquals("file-big", f.id());
        server.verify(postRequestedFor(urlEqualTo("/v1/files/multipart/initiate"))
                .withRequestBody(equalToJson("{\"file_size\":20,\"num_parts\":3,\"purpose\":\"fine-tune\",\"file_type\":\"jsonl\"}", true, true)));
        server.verify(putRequestedFor(urlEqualTo("/s3/p1")).withRequestBody(equalTo("01234567")));
        server.verify(putRequestedFor(urlEqualTo("/s3/p2")).withRequestBody(equalTo("89abcdef")));
        server.verify(putRequestedFor(urlEqualTo("/s3/p3")).withRequestBody(equalTo("ghij")).withoutHeader("Authorization"));
        server.verify(postRequestedFor(urlEqualTo("/v1/files/multipart/complete")).withRequestBody(equalToJson(
                "{\"upload_id\":\"up-1\",\"file_id\":\"file-big\",\"parts\":[{\"part_number\":1,\"etag\":\"etag-1\"},"
                        + "{\"part_number\":2,\"etag\":\"etag-2\"},{\"part_number\":3,\"etag\":\"etag-3\"}]}")));
    }

    @Test
    void failedPartAbortsTheMultipartUpload() {
        backend = new TogetherBackend(config().withMultipart(10, 8));
        server.stubFor(post("/v1/files/multipart/initiate").willReturn(okJson("{\"upload_id\":\"up-1\",\"file_id\":\"file-big\",\"parts\":["
                + "{\"PartNumber\":1,\"URL\":\"" + server.baseUrl() + "/s3/p1\"},{\"PartNumber\":2,\"URL\":\"" + server.baseUrl() + "/s3/p2\"}]}")));
        server.stubFor(put("/s3/p1").willReturn(aResponse().withStatus(403).withBody("<Error>SignatureDoesNotMatch</Error>")));
        server.stubFor(post("/v1/files/multipart/abort").willReturn(okJson("{}")));

        assertThrows(dev.refinery.providers.spi.ProviderException.class, () -> backend.upload(file("0123456789abcdef")));
        server.verify(postRequestedFor(urlEqualTo("/v1/files/multipart/abort"))
                .withRequestBody(equalToJson("{\"upload_id\":\"up-1\",\"file_id\":\"file-big\"}")));
    }

    @Test
    void unknownStatusIsKeptRawAndTreatedAsNonTerminal() {
        server.stubFor(get("/v1/fine-tunes/ft-1").willReturn(okJson(job("defragmenting", 1, null))));
        ProviderJob j = backend.get("ft-1");
        assertEquals("defragmenting", j.rawStatus());
        assertEquals(JobState.RUNNING, j.state());
        assertFalse(j.isTerminal());
        assertTrue(j.stateNote().contains("defragmenting") && j.stateNote().contains("RUNNING"), j.stateNote());
    }

    @Test
    void cancelRequestedIsCancelling() {
        server.stubFor(post("/v1/fine-tunes/ft-1/cancel").willReturn(okJson(job("cancel_requested", 3, 1000L))));
        ProviderJob j = backend.cancel("ft-1");
        assertEquals(JobState.CANCELLING, j.state());
        assertEquals(0, new BigDecimal("0.000001").compareTo(j.costUsd()));
    }

    @Test
    void eventsAreReadCaseInsensitivelyAndTheCursorReturnsOnlyNewOnes() {
        server.stubFor(get("/v1/fine-tunes/ft-1/events").willReturn(okJson("""
                {"data":[
                 {"object":"fine-tune-event","created_at":"2026-11-28T10:00:00Z","level":"","message":"queued","type":"JOB_PENDING"},
                 {"object":"fine-tune-event","created_at":"2026-11-28T10:01:00Z","level":"Warning","message":"slow","type":"warning"},
                 {"object":"fine-tune-event","created_at":"2026-11-28T10:02:00Z","level":"error","message":"boom","type":"Job_Error","step":7}
                ]}""")));
        Page<ProviderEvent> first = backend.events("ft-1", null);
        assertEquals(3, first.items().size());
        assertEquals("job_pending", first.items().get(0).type());
        assertEquals(EventLevel.INFO, first.items().get(0).level());
        assertEquals(EventLevel.WARNING, first.items().get(1).level());
        assertEquals(EventLevel.ERROR, first.items().get(2).level());
        assertEquals(7L, first.items().get(2).step());
        Page<ProviderEvent> again = backend.events("ft-1", first.nextCursor());
        assertTrue(again.items().isEmpty());
        assertEquals(1, backend.events("ft-1", "2").items().size());
    }

    @Test
    void metricsAndCheckpoints() {
        server.stubFor(get("/v1/fine-tunes/ft-1/metrics").willReturn(okJson("""
                {"metrics":[{"train/loss":1.5,"train/learning_rate":1e-5,"train/global_step":2},
                            {"train/loss":2.0,"train/learning_rate":1e-5,"train/global_step":1},
                            {"eval/loss":1.7,"train/global_step":2},{"note":"no step"}]}""")));
        server.stubFor(get("/v1/fine-tunes/ft-1/checkpoints").willReturn(okJson("""
                {"data":[{"step":20,"path":"s3://x/20","created_at":"2026-11-28T10:00:00Z","checkpoint_type":"Intermediate"},
                         {"step":40,"path":"s3://x/final","created_at":"2026-11-28T10:10:00Z","checkpoint_type":"Final Adapter"}]}""")));
        List<MetricPoint> m = backend.metrics("ft-1");
        assertEquals(3, m.size());
        assertEquals(1L, m.get(0).step());
        assertEquals(2.0, m.get(0).trainLoss());
        assertEquals(1.7, m.get(2).evalLoss());
        List<ProviderCheckpoint> c = backend.checkpoints("ft-1");
        assertEquals("ft-1:20", c.get(0).reference());
        assertEquals("ft-1", c.get(1).reference());
        assertEquals("Final Adapter", c.get(1).kind());
    }

    @Test
    void downloadPicksTheArchiveKindFromTheContentType() {
        server.stubFor(get("/v1/fine-tunes/ft-1").willReturn(okJson("{\"id\":\"ft-1\",\"status\":\"completed\",\"training_type\":{\"type\":\"Lora\"}}")));
        server.stubFor(get(urlPathEqualTo("/v1/finetune/download")).willReturn(ok().withHeader("Content-Type", "application/x-tar")
                .withBody("ARCHIVE")));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ArtifactDownload d = backend.download("ft-1", new ProviderCheckpoint("ft-1:20", 20L, "Intermediate", null), out);
        assertEquals("tar.gz", d.fileExtension());
        assertEquals("ARCHIVE", out.toString(StandardCharsets.UTF_8));
        assertEquals(7, d.bytes());
        server.verify(getRequestedFor(urlEqualTo("/v1/finetune/download?ft_id=ft-1&checkpoint=adapter&checkpoint_step=20")));

        server.stubFor(get(urlPathEqualTo("/v1/finetune/download")).willReturn(ok().withHeader("Content-Type", "application/octet-stream").withBody("Z")));
        assertEquals("tar.zst", backend.download("ft-1", null, new ByteArrayOutputStream()).fileExtension());
    }

    @Test
    void fileResponsesAreReadInBothCasings() throws Exception {
        var mapper = dev.refinery.providers.http.LenientJson.MAPPER;
        var upper = mapper.readTree("{\"id\":\"f\",\"FileType\":\"jsonl\",\"Processed\":true}");
        var lower = mapper.readTree("{\"id\":\"f\",\"type\":\"parquet\",\"processed\":false}");
        assertEquals("jsonl", TogetherReader.fileType(upper));
        assertEquals(Boolean.TRUE, TogetherReader.processed(upper));
        assertEquals("parquet", TogetherReader.fileType(lower));
        assertEquals(Boolean.FALSE, TogetherReader.processed(lower));
    }
    @Test
    void findSubmittedAdoptsTheJobOnOurTrainingFileAndNothingElse() {
        // GET /fine-tunes answers FinetuneResponseTruncated objects, each naming its training_file; there is no paging.
        server.stubFor(get("/v1/fine-tunes").willReturn(okJson("""
                {"data":[
                  {"id":"ft-other","status":"completed","created_at":"2026-11-28T09:00:00Z","updated_at":"2026-11-28T09:30:00Z","training_file":"file-someone-else"},
                  {"id":"ft-old-retry","status":"cancelled","created_at":"2026-11-28T10:00:00Z","updated_at":"2026-11-28T10:01:00Z","training_file":"file-ours"},
                  {"id":"ft-ours","status":"pending","created_at":"2026-11-28T10:02:00Z","updated_at":"2026-11-28T10:02:00Z","training_file":"file-ours"},
                  {"id":"ft-no-file","status":"running","created_at":"2026-11-28T11:00:00Z","updated_at":"2026-11-28T11:00:00Z"}
                ]}""")));
        ProviderJob found = backend.findSubmitted(new UploadedFile("together", "file-ours", "train.jsonl", 12)).orElseThrow();
        assertEquals("ft-ours", found.id(), "the newest job on our file");
        assertEquals(JobState.QUEUED, found.state());
        assertTrue(backend.findSubmitted(new UploadedFile("together", "file-never-used", "train.jsonl", 12)).isEmpty());
        server.verify(0, postRequestedFor(urlPathEqualTo("/v1/fine-tunes")));
    }

    @Test
    void findSubmittedFailsLoudlyWhenTheListCannotBeRead() {
        server.stubFor(get("/v1/fine-tunes").willReturn(aResponse().withStatus(401).withBody("{\"error\":{\"message\":\"bad key\"}}")));
        dev.refinery.providers.spi.ProviderException e = assertThrows(dev.refinery.providers.spi.ProviderException.class,
                () -> backend.findSubmitted(new UploadedFile("together", "file-ours", "train.jsonl", 12)));
        assertEquals(dev.refinery.providers.spi.ErrorCode.PROVIDER_AUTH_FAILED, e.code(), "not found must never be guessed from a failed list");
    }
}
