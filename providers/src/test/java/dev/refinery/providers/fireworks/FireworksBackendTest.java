package dev.refinery.providers.fireworks;

import com.fasterxml.jackson.databind.JsonNode;
import com.github.tomakehurst.wiremock.WireMockServer;
import dev.refinery.providers.RecordingSleeper;
import dev.refinery.providers.WireMockSupport;
import dev.refinery.providers.http.LenientJson;
import dev.refinery.providers.spec.DatasetFile;
import dev.refinery.providers.spec.DatasetFormat;
import dev.refinery.providers.spec.DatasetRefs;
import dev.refinery.providers.spec.DpoVariant;
import dev.refinery.providers.spec.JobSpec;
import dev.refinery.providers.spec.SpecValues;
import dev.refinery.catalog.TrainingMethod;
import dev.refinery.providers.spi.ErrorCode;
import dev.refinery.providers.spi.JobState;
import dev.refinery.providers.spi.Page;
import dev.refinery.providers.spi.ProviderException;
import dev.refinery.providers.spi.ProviderJob;
import dev.refinery.providers.spi.UploadedFile;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.math.BigDecimal;
import java.time.Clock;

import static com.github.tomakehurst.wiremock.client.WireMock.*;
import static org.junit.jupiter.api.Assertions.*;

class FireworksBackendTest {

    private static final String SFT = "accounts/acct/supervisedFineTuningJobs/";
    private WireMockServer server;
    private FireworksBackend backend;

    @BeforeEach
    void start() {
        server = WireMockSupport.start();
        backend = new FireworksBackend(config());
    }

    private FireworksConfig config() {
        return FireworksConfig.of(WireMockSupport.settings(server, "/v1", new RecordingSleeper(), Clock.systemUTC()), WireMockSupport.KEY, "acct");
    }

    @AfterEach
    void stop() {
        server.stop();
    }

    private static JsonNode json(String s) throws Exception {
        return LenientJson.MAPPER.readTree(s);
    }

    @Test
    void statesInEveryShapeNormaliseToTheSameName() throws Exception {
        assertEquals("RUNNING", FireworksState.normalise(json("\"JOB_STATE_RUNNING\"")));
        assertEquals("RUNNING", FireworksState.normalise(json("\"RUNNING\"")));
        assertEquals("RUNNING", FireworksState.normalise(json("2")));
        assertEquals("RUNNING", FireworksState.normalise(json("\"2\"")));
        assertEquals("RUNNING", FireworksState.normalise(json("\"gateway.JobState.JOB_STATE_RUNNING\"")));
        assertEquals(JobState.SUCCEEDED, FireworksState.map("EARLY_STOPPED").state());
        assertEquals(JobState.PAUSED, FireworksState.map("PAUSED").state());
        assertEquals(JobState.FAILED, FireworksState.map("EXPIRED").state());
        var unknown = FireworksState.map(FireworksState.normalise(json("99")));
        assertFalse(unknown.recognised());
        assertFalse(unknown.state().isTerminal());
    }

    @Test
    void moneyAndInt64StringsAndFailureStatus() throws Exception {
        ProviderJob job = FireworksReader.job(json("""
                {"name":"accounts/acct/dpoJobs/j","state":"JOB_STATE_FAILED","status":{"code":"INVALID_ARGUMENT","message":"bad rows"},
                 "jobProgress":{"epoch":1,"inputTokens":"9007199254740993"},
                 "estimatedCost":{"currencyCode":"USD","units":"12","nanos":340000000},"createTime":"2026-11-28T10:00:00.123Z"}"""));
        assertEquals(JobState.FAILED, job.state());
        assertEquals("JOB_STATE_FAILED", job.rawStatus());
        assertEquals(9007199254740993L, job.trainedTokens(), "int64 as a string keeps every digit");
        assertEquals(0, new BigDecimal("12.34").compareTo(job.costUsd()));
        assertEquals("INVALID_ARGUMENT", job.error().code());
        assertEquals("bad rows", job.error().message());
        assertNotNull(job.createdAt());
    }

    @Test
    void uploadCreatesTheDatasetThenUploadsIntoIt() {
        server.stubFor(post("/v1/accounts/acct/datasets").willReturn(okJson("{}")));
        server.stubFor(post(urlPathMatching("/v1/accounts/acct/datasets/train-[a-z0-9]+:upload")).willReturn(okJson("{\"bytes\":5}")));
        UploadedFile f = backend.upload(new DatasetFile("Train.jsonl", DatasetFormat.JSONL, 5, () -> new ByteArrayInputStream("hello".getBytes())));
        assertTrue(f.id().matches("accounts/acct/datasets/train-[a-z0-9]+"), f.id());
        server.verify(postRequestedFor(urlEqualTo("/v1/accounts/acct/datasets"))
                .withRequestBody(equalToJson("{\"dataset\":{\"userUploaded\":{},\"format\":\"CHAT\"}}", true, true)));
        server.verify(postRequestedFor(urlPathMatching(".*:upload")).withRequestBodyPart(aMultipart().withName("file").withBody(equalTo("hello")).build()));
    }

    @Test
    void largeFilesGoThroughASignedUrl() {
        backend = new FireworksBackend(config().withDirectUploadLimit(3));
        server.stubFor(post("/v1/accounts/acct/datasets").willReturn(okJson("{}")));
        server.stubFor(post(urlPathMatching(".*:getUploadEndpoint")).willReturn(okJson(
                "{\"filenameToSignedUrls\":{\"big.jsonl\":\"" + server.baseUrl() + "/gcs/obj?sig=x\"}}")));
        server.stubFor(put(urlPathEqualTo("/gcs/obj")).willReturn(ok()));
        server.stubFor(post(urlPathMatching(".*:validateUpload")).willReturn(okJson("{}")));
        backend.upload(new DatasetFile("big.jsonl", DatasetFormat.JSONL, 5, () -> new ByteArrayInputStream("hello".getBytes())));
        server.verify(postRequestedFor(urlPathMatching(".*:getUploadEndpoint")).withRequestBody(equalToJson("{\"filenameToSize\":{\"big.jsonl\":\"5\"}}")));
        server.verify(putRequestedFor(urlPathEqualTo("/gcs/obj")).withRequestBody(equalTo("hello")).withoutHeader("Authorization"));
        server.verify(postRequestedFor(urlPathMatching(".*:validateUpload")));
    }

    @Test
    void dpoJobAlwaysNamesTheDpoLossAndWarmStartsFromTheSftModel() {
        server.stubFor(post(urlPathEqualTo("/v1/accounts/acct/dpoJobs")).willReturn(okJson("{\"name\":\"accounts/acct/dpoJobs/run-7\",\"state\":\"JOB_STATE_CREATING\"}")));
        JobSpec spec = JobSpec.builder(DatasetRefs.trainingOnly(file()), "accounts/fireworks/models/llama-v3p1-8b-instruct", TrainingMethod.DPO)
                .dpo(DpoVariant.STANDARD, 0.1, null, null).fromCheckpoint("accounts/acct/models/sft-out").epochs(1).build();
        ProviderJob job = backend.create(backend.resolve(spec, SpecValues.EMPTY), new UploadedFile("fireworks", "accounts/acct/datasets/d", "d", 1), null, "Run_7");
        assertEquals(JobState.QUEUED, job.state());
        server.verify(postRequestedFor(urlEqualTo("/v1/accounts/acct/dpoJobs?dpoJobId=run-7")).withRequestBody(equalToJson("""
                {"dataset":"accounts/acct/datasets/d","trainingConfig":{"warmStartFrom":"accounts/acct/models/sft-out","epochs":1},
                 "lossConfig":{"method":"DPO","dpo":{"beta":0.1}}}""", true, true)));
    }

    @Test
    void aRepeatedSubmissionReturnsTheExistingJob() {
        server.stubFor(post(urlPathEqualTo("/v1/accounts/acct/supervisedFineTuningJobs")).willReturn(aResponse().withStatus(409)
                .withBody("{\"code\":6,\"message\":\"already exists\",\"details\":[]}")));
        server.stubFor(get("/v1/" + SFT + "sub-1").willReturn(okJson("{\"name\":\"" + SFT + "sub-1\",\"state\":\"JOB_STATE_RUNNING\"}")));
        JobSpec spec = JobSpec.builder(DatasetRefs.trainingOnly(file()), "m", TrainingMethod.SFT).build();
        ProviderJob job = backend.create(backend.resolve(spec, SpecValues.EMPTY), new UploadedFile("fireworks", "accounts/acct/datasets/d", "d", 1), null, "sub-1");
        assertEquals(SFT + "sub-1", job.id());
        assertEquals(JobState.RUNNING, job.state());
    }

    @Test
    void unsupportedSettingsAreRefusedByName() {
        JobSpec spec = JobSpec.builder(DatasetRefs.trainingOnly(file()), "m", TrainingMethod.SFT).warmupRatio(0.1).build();
        ProviderException e = assertThrows(ProviderException.class,
                () -> backend.create(backend.resolve(spec, SpecValues.EMPTY), new UploadedFile("fireworks", "d", "d", 1), null, "k"));
        assertEquals(ErrorCode.PROVIDER_UNSUPPORTED, e.code());
        assertEquals("warmupRatio", e.param());
        JobSpec full = JobSpec.builder(DatasetRefs.trainingOnly(file()), "m", TrainingMethod.SFT).fullTraining().build();
        assertEquals(ErrorCode.PROVIDER_UNSUPPORTED, assertThrows(ProviderException.class,
                () -> backend.create(backend.resolve(full, SpecValues.EMPTY), new UploadedFile("fireworks", "d", "d", 1), null, "k")).code());
    }

    @Test
    void listFollowsNextPageTokenThenMovesToDpoJobs() {
        server.stubFor(get("/v1/accounts/acct/supervisedFineTuningJobs?pageSize=200").willReturn(okJson(
                "{\"supervisedFineTuningJobs\":[{\"name\":\"" + SFT + "a\",\"state\":\"JOB_STATE_COMPLETED\"}],\"nextPageToken\":\"tok 2\"}")));
        server.stubFor(get("/v1/accounts/acct/supervisedFineTuningJobs?pageSize=200&pageToken=tok+2").willReturn(okJson(
                "{\"supervisedFineTuningJobs\":[{\"name\":\"" + SFT + "b\",\"state\":\"JOB_STATE_RUNNING\"}]}")));
        server.stubFor(get("/v1/accounts/acct/dpoJobs?pageSize=200").willReturn(okJson(
                "{\"dpoJobs\":[{\"name\":\"accounts/acct/dpoJobs/c\",\"state\":4}],\"nextPageToken\":\"\"}")));
        Page<ProviderJob> p1 = backend.list(null);
        assertEquals(SFT + "a", p1.items().get(0).id());
        Page<ProviderJob> p2 = backend.list(p1.nextCursor());
        assertEquals(SFT + "b", p2.items().get(0).id());
        assertTrue(p2.hasMore());
        Page<ProviderJob> p3 = backend.list(p2.nextCursor());
        assertEquals(JobState.FAILED, p3.items().get(0).state());
        assertFalse(p3.hasMore());
    }

    @Test
    void cancelDeletesAndReportsCancelledOnceTheJobIsGone() {
        server.stubFor(delete("/v1/" + SFT + "x").willReturn(okJson("{}")));
        server.stubFor(get("/v1/" + SFT + "x").willReturn(aResponse().withStatus(404).withBody("{\"code\":5,\"message\":\"not found\"}")));
        ProviderJob j = backend.cancel(SFT + "x");
        assertEquals(JobState.CANCELLED, j.state());
        assertEquals(ErrorCode.PROVIDER_NOT_FOUND, assertThrows(ProviderException.class, () -> backend.get("accounts/other/supervisedFineTuningJobs/x")).code());
    }

    private static DatasetFile file() {
        return new DatasetFile("t.jsonl", DatasetFormat.JSONL, 1, () -> new ByteArrayInputStream("x".getBytes()));
    }
}
