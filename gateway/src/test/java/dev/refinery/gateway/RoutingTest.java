package dev.refinery.gateway;

import dev.refinery.localstack.LocalStackTestResource;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import io.restassured.config.EncoderConfig;
import io.restassured.response.Response;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Random;
import java.util.UUID;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.nullValue;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The /v1 API routed to stand-ins of the four services (StubServices), which echo what reached them. */
@QuarkusTest
@WithTestResource(LocalStackTestResource.class)
@WithTestResource(StubServices.class)
class RoutingTest {

    @ConfigProperty(name = StubServices.CONTROL_URL)
    String stubs;

    @ConfigProperty(name = "quarkus.http.test-port")
    int port;

    @ParameterizedTest(name = "GET {0} -> {1} {2}")
    @CsvSource({
            "/v1/datasets?limit=5,                         ingest-service,     /datasets,                 limit=5",
            "/v1/datasets/ds-1/problems?rule=R1&limit=2,   validation-service, /reports/ds-1/problems,    rule=R1&limit=2",
            "/v1/collections?limit=5,                      ingest-service,     /collections,              limit=5",
            "/v1/collections/col-1,                        ingest-service,     /collections/col-1,        ",
            "/v1/collections/col-1/rejections?limit=3&before=9, ingest-service, /collections/col-1/rejections, limit=3&before=9",
            "/v1/collections/col-1/versions,               ingest-service,     /collections/col-1/versions, ",
            "/v1/pipelines,                                training-service,   /pipelines,                ",
            "/v1/pipelines/pl-1,                           training-service,   /pipelines/pl-1,           ",
            "/v1/pipelines/pl-1/runs?limit=5,              training-service,   /pipelines/pl-1/runs,      limit=5",
            "/v1/fine-tunes,                               training-service,   /jobs,                     ",
            "/v1/fine-tunes/ft-1,                          training-service,   /jobs/ft-1,                ",
            "/v1/fine-tunes/ft-1/metrics,                  training-service,   /jobs/ft-1/metrics,        ",
            "/v1/fine-tunes/ft-1/events,                   training-service,   /jobs/ft-1/events,         ",
            "/v1/fine-tunes/ft-1/checkpoints,              training-service,   /jobs/ft-1/checkpoints,    ",
            "/v1/tenants/default/secrets/together,            training-service,   /tenants/default/secrets/together, ",
            "/v1/fine-tunes/a%20b%2Fc,                     training-service,   /jobs/a%20b%2Fc,           ",
            "/v1/evals?jobId=ft-1,                         eval-service,       /evals,                    jobId=ft-1",
            "/v1/evals/ev-1,                               eval-service,       /evals/ev-1,               ",
            "/v1/evals/ev-1/items?limit=10&offset=20,      eval-service,       /evals/ev-1/items,         limit=10&offset=20",
            "/v1/registry/models?limit=3,                  eval-service,       /registry/models,          limit=3",
            "/v1/registry/models/mv-1,                     eval-service,       /registry/models/mv-1,     ",
            "/v1/registry/aliases,                         eval-service,       /registry/aliases,         ",
            "/v1/registry/aliases/champion,                eval-service,       /registry/aliases/champion, ",
            "/v1/registry/policy,                          eval-service,       /registry/policy,          ",
            "/v1/graders,                                  eval-service,       /graders,                  ",
            "/v1/graders/is-json,                          eval-service,       /graders/is-json,          ",
            "/v1/models,                                   inference-service,  /v1/models,                ",
            "/v1/models/champion,                          inference-service,  /v1/models/champion,       ",
            "/v1/capture/settings,                         inference-service,  /v1/capture/settings,      ",
            "/v1/capture/records?limit=5&offset=10,        inference-service,  /v1/capture/records,       limit=5&offset=10",
            "/v1/capture/export?kind=preference&since=2026-12-01T00:00:00Z, inference-service, /v1/capture/export, kind=preference&since=2026-12-01T00:00:00Z",
    })
    void everyRouteReachesTheOwningServiceWithItsQuery(String publicPath, String service, String upstreamPath, String query) {
        given().urlEncodingEnabled(false)
                .when().get(publicPath)
                .then().statusCode(200)
                .contentType("application/json")
                .body("service", equalTo(service))
                .body("method", equalTo("GET"))
                .body("path", equalTo(upstreamPath))
                .body("query", equalTo(query));
    }

    @Test
    void anUploadIsForwardedByteExactWithItsHeadersAndTheAnswerPassesBack() throws Exception {
        byte[] body = new byte[3 * 1024 * 1024 + 17];
        new Random(42).nextBytes(body); // every byte value, not just text: nothing may be re-encoded on the way
        String key = UUID.randomUUID().toString();
        Response response = given().config(RestAssured.config().encoderConfig(
                        EncoderConfig.encoderConfig().appendDefaultContentCharsetToContentTypeIfUndefined(false)))
                .contentType("application/x-ndjson").header("Idempotency-Key", key).body(body)
                .when().post("/v1/datasets?name=greetings");
        response.then().statusCode(201)
                .header("Location", startsWith("/v1/datasets/ds-"))
                .body("sha256", equalTo(sha256(body)))
                .body("bytes", equalTo(body.length))
                .body("contentType", equalTo("application/x-ndjson"))
                .body("contentLength", equalTo(Integer.toString(body.length)))
                .body("idempotencyKey", equalTo(key))
                .body("query", equalTo("name=greetings"));
        assertEquals("/v1/datasets/" + response.path("id"), response.header("Location"));
    }

    @Test
    void anUploadsCheckOptionsReachIngestServiceAsGiven() {
        given().urlEncodingEnabled(false).contentType("application/x-ndjson").body("{}\n".getBytes(java.nio.charset.StandardCharsets.UTF_8))
                .when().post("/v1/datasets?name=n&target=together&model=llama-3.1-8b&splits=90/10&dedup=exact&overContext=drop"
                        + "&epochs=3&evals=1&testSet=ds-1")
                .then().statusCode(201)
                .body("query", equalTo("name=n&target=together&model=llama-3.1-8b&splits=90/10&dedup=exact&overContext=drop"
                        + "&epochs=3&evals=1&testSet=ds-1"));
    }

    @Test
    void aCleanVersionIsMadeByIngestServiceAndItsLocationIsPublic() {
        given().when().post("/v1/datasets/ds-known/clean-version")
                .then().statusCode(201)
                .header("Location", equalTo("/v1/datasets/ds-child"))
                .body("parentDatasetId", equalTo("ds-known"));
    }

    @Test
    void anEstimateRequestReachesValidationServiceWithItsBody() {
        given().contentType("application/json").body("{\"backend\":\"together\",\"model\":\"llama-3.1-8b\",\"trainingTokens\":2000000}")
                .when().post("/v1/estimates")
                .then().statusCode(200)
                .body("service", equalTo("validation-service"))
                .body("request.trainingTokens", equalTo(2000000))
                .body("contentType", containsString("application/json"));
    }

    @Test
    void anUploadStreamsThroughWhileTheClientIsStillSending() throws Exception {
        int half = 1024 * 1024;
        ProgressGatedBody body = new ProgressGatedBody(half, () -> stubUploadBytesSoFar() >= half / 2);
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/v1/datasets?name=streamed"))
                .header("Authorization", "Bearer " + dev.refinery.testing.TestIdentity.bootstrapKey().orElseThrow())
                .header("Content-Type", "application/jsonl")
                .POST(HttpRequest.BodyPublishers.ofInputStream(() -> body))
                .timeout(Duration.ofSeconds(60))
                .build();
        HttpResponse<String> response = HttpClient.newHttpClient().send(request, HttpResponse.BodyHandlers.ofString());
        assertEquals(201, response.statusCode(), response.body());
        assertTrue(body.serviceSawDataBeforeTheEnd, "ingest-service received the first half before the client sent the second: "
                + "the gateway must stream the upload, not collect it first");
        assertTrue(response.body().contains("\"bytes\":" + 2 * half), response.body());
        assertTrue(response.body().contains("\"contentLength\":null"), "a chunked upload stays chunked: " + response.body());
    }

    @ParameterizedTest(name = "{0} {1} -> {2}")
    @CsvSource({
            "POST,   /v1/fine-tunes/ft-1/cancel,           /jobs/ft-1/cancel",
            "POST,   /v1/fine-tunes/ft-1/download,         /jobs/ft-1/download",
            "POST,   /v1/fine-tunes/ft-1/pause,            /jobs/ft-1/pause",
            "POST,   /v1/fine-tunes/ft-1/resume,           /jobs/ft-1/resume",
            "PUT,    /v1/tenants/default/secrets/together,    /tenants/default/secrets/together",
            "DELETE, /v1/tenants/default/secrets/together,    /tenants/default/secrets/together",
    })
    void jobActionsAndTenantSecretsReachTrainingServiceWithTheirMethod(String method, String publicPath, String upstreamPath) {
        reachesWithItsMethod(method, publicPath, "training-service", upstreamPath);
    }

    @Test
    void aRerunsBodyAndContentTypeReachTrainingServiceAsSentAndNoBodyStaysEmpty() {
        String moveToTogether = "{\"backend\":\"together\",\"baseModel\":\"meta-llama/Meta-Llama-3.1-8B-Instruct-Reference\"}";
        given().contentType("application/json").body(moveToTogether)
                .when().post("/v1/fine-tunes/ft-1/rerun")
                .then().statusCode(201)
                .body("service", equalTo("training-service"))
                .body("path", equalTo("/jobs/ft-1/rerun"))
                .body("body", equalTo(moveToTogether))
                .body("contentType", startsWith("application/json"));
        // RestAssured puts its form Content-Type on a body-less POST: it passes as sent, and the body stays empty
        // (training-service reads an empty body as "the same again" whatever its type).
        given().when().post("/v1/fine-tunes/ft-1/rerun")
                .then().statusCode(201)
                .body("path", equalTo("/jobs/ft-1/rerun"))
                .body("body", equalTo(""))
                .body("contentType", startsWith("application/x-www-form-urlencoded"));
    }

    @ParameterizedTest(name = "{0} {1} -> {2}")
    @CsvSource({
            "POST,   /v1/evals,                               /evals",
            "PUT,    /v1/registry/aliases/champion,           /registry/aliases/champion",
            "POST,   /v1/registry/aliases/champion/rollback,  /registry/aliases/champion/rollback",
            "PUT,    /v1/registry/policy,                     /registry/policy",
            "POST,   /v1/graders,                             /graders",
    })
    void evaluationsByHandPromotionsAndThePolicyReachEvalServiceWithTheirMethod(String method, String publicPath, String upstreamPath) {
        reachesWithItsMethod(method, publicPath, "eval-service", upstreamPath);
    }

    @ParameterizedTest(name = "{0} {1} -> {2}")
    @CsvSource({
            "POST,   /v1/collections,                         /collections",
            "POST,   /v1/collections/col-1/examples,          /collections/col-1/examples",
            "POST,   /v1/collections/col-1/seal,              /collections/col-1/seal",
    })
    void collectionsAndTheirExamplesReachIngestServiceWithTheirMethod(String method, String publicPath, String upstreamPath) {
        reachesWithItsMethod(method, publicPath, "ingest-service", upstreamPath);
    }

    @ParameterizedTest(name = "{0} {1} -> {2}")
    @CsvSource({
            "POST,   /v1/pipelines,                           /pipelines",
            "PUT,    /v1/pipelines/pl-1,                      /pipelines/pl-1",
            "POST,   /v1/pipelines/pl-1/runs,                 /pipelines/pl-1/runs",
            "POST,   /v1/pipelines/pl-1/pause,                /pipelines/pl-1/pause",
            "POST,   /v1/pipelines/pl-1/resume,               /pipelines/pl-1/resume",
    })
    void pipelinesReachTrainingServiceWithTheirMethod(String method, String publicPath, String upstreamPath) {
        reachesWithItsMethod(method, publicPath, "training-service", upstreamPath);
    }

    @ParameterizedTest(name = "{0} {1} -> {2}")
    @CsvSource({
            "PUT,    /v1/capture/settings,                    /v1/capture/settings",
            "POST,   /v1/feedback,                            /v1/feedback",
    })
    void captureSettingsAndFeedbackReachInferenceServiceWithTheirMethod(String method, String publicPath, String upstreamPath) {
        reachesWithItsMethod(method, publicPath, "inference-service", upstreamPath);
    }

    private static void reachesWithItsMethod(String method, String publicPath, String service, String upstreamPath) {
        given().contentType("application/json").body("{\"apiKey\":\"sk-test\"}")
                .when().request(method, publicPath)
                .then().statusCode(200)
                .body("service", equalTo(service))
                .body("method", equalTo(method))
                .body("path", equalTo(upstreamPath));
    }

    @Test
    void aJobSubmissionIsForwardedAndAnAbsoluteLocationBecomesPublic() {
        given().contentType("application/json").header("Idempotency-Key", "k-1").body("{\"datasetId\":\"ds-1\",\"baseModel\":\"stories260K\"}")
                .when().post("/v1/fine-tunes")
                .then().statusCode(201)
                .header("Location", equalTo("/v1/fine-tunes/ft-1"))
                .body("request.baseModel", equalTo("stories260K"))
                .body("contentType", equalTo("application/json"))
                .body("idempotencyKey", equalTo("k-1"));
    }

    @Test
    void anUpstreamProblemPassesThroughUnchanged() {
        String body = given().contentType("application/json").header("Idempotency-Key", "reused").body("{\"datasetId\":\"ds-1\"}")
                .when().post("/v1/fine-tunes")
                .then().statusCode(409)
                .contentType("application/problem+json")
                .extract().asString();
        assertEquals(StubServices.CONFLICT_PROBLEM, body);
    }

    @Test
    void aDatasetComesWithItsValidationReport() {
        given().when().get("/v1/datasets/ds-known")
                .then().statusCode(200)
                .body("id", equalTo("ds-known"))
                .body("lines", equalTo(2))
                .body("validation.status", equalTo("VALID"))
                .body("validation.problemCount", equalTo(0));
    }

    @Test
    void aDatasetNotValidatedYetHasNoReport() {
        given().when().get("/v1/datasets/ds-unvalidated")
                .then().statusCode(404)
                .contentType("application/problem+json")
                .body("code", equalTo("DATASET_NOT_FOUND"));
    }

    @Test
    void aServiceThatIsDownIs503NamingItAndTheDatasetStillShowsWithoutItsReport() {
        control("/services/validation-service/stop");
        try {
            given().when().get("/v1/datasets/ds-1/problems")
                    .then().statusCode(503)
                    .contentType("application/problem+json")
                    .body("code", equalTo("UPSTREAM_UNAVAILABLE"))
                    .body("service", equalTo("validation-service"))
                    .body("detail", containsString("validation-service"));
            given().when().get("/v1/datasets/ds-known")
                    .then().statusCode(200)
                    .body("id", equalTo("ds-known"))
                    .body("validation", nullValue());
            given().when().get("/q/health/ready")
                    .then().statusCode(200)
                    .body("checks.find { it.name == 'upstream-services' }.data.validation-service", startsWith("DOWN"))
                    .body("checks.find { it.name == 'upstream-services' }.data.ingest-service", equalTo("UP"));
            given().when().get("/q/metrics")
                    .then().body(containsString("refinery_gateway_upstream_requests_total{outcome=\"unavailable\",service=\"validation-service\"}"));
        } finally {
            control("/services/validation-service/start");
        }
        given().when().get("/v1/datasets/ds-1/problems").then().statusCode(200);
    }

    @Test
    void aServiceThatDoesNotAnswerInTimeIs504() {
        given().when().get("/v1/evals/ev-slow")
                .then().statusCode(504)
                .contentType("application/problem+json")
                .body("code", equalTo("UPSTREAM_TIMEOUT"))
                .body("service", equalTo("eval-service"));
    }

    @Test
    void unknownRoutesAndMethodsAreProblems() {
        given().when().get("/nothing/here")
                .then().statusCode(404).contentType("application/problem+json").body("code", equalTo("NOT_FOUND"));
        given().when().get("/v1/datasets/ds-1/problems/extra")
                .then().statusCode(404).contentType("application/problem+json").body("code", equalTo("NOT_FOUND"));
        given().when().delete("/v1/evals/ev-1")
                .then().statusCode(405).contentType("application/problem+json").body("code", equalTo("METHOD_NOT_ALLOWED"));
    }

    private long stubUploadBytesSoFar() {
        return Long.parseLong(given().baseUri(stubs).port(-1).when().get("/uploads/bytes-so-far").then().statusCode(200).extract().asString());
    }

    @Test
    void aTextCompletionReachesInferenceService() {
        reachesWithItsMethod("POST", "/v1/completions", "inference-service", "/v1/completions");
    }

    @Test
    void aChatCompletionReachesInferenceServiceAndAStreamedOnePassesPieceByPiece() throws Exception {
        given().contentType("application/json").body("{\"model\":\"champion\",\"messages\":[]}")
                .when().post("/v1/chat/completions").then().statusCode(200)
                .body("object", equalTo("chat.completion")).body("request.model", equalTo("champion"));
        // The first event reaches the client while the service still holds back the rest: nothing waits for the end.
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/v1/chat/completions"))
                .header("Authorization", "Bearer " + dev.refinery.testing.TestIdentity.bootstrapKey().orElseThrow())
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"model\":\"champion\",\"stream\":true}")).build();
        HttpResponse<java.util.stream.Stream<String>> response = HttpClient.newHttpClient()
                .sendAsync(request, HttpResponse.BodyHandlers.ofLines()).get(20, java.util.concurrent.TimeUnit.SECONDS);
        assertEquals(200, response.statusCode());
        assertTrue(response.headers().firstValue("Content-Type").orElse("").startsWith("text/event-stream"));
        java.util.Iterator<String> lines = response.body().iterator();
        assertEquals("data: {\"piece\":1}", lines.next());
        // The client leaves mid-answer: the gateway closes the service's answer, which sees its next writes fail.
        response.body().close();
        control("/streams/release");
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (!"true".equals(given().baseUri(stubs).port(-1).when().get("/streams/abandoned").asString())) {
            assertTrue(System.nanoTime() < deadline, "the service's stream was never closed after the client left");
            Thread.sleep(100);
        }
    }

    private void control(String path) {
        given().baseUri(stubs).port(-1).when().post(path).then().statusCode(204);
    }

    private static String sha256(byte[] body) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(body));
    }

    /**
     * An upload body of two halves that, before sending the second half, waits (up to 20 s) until the
     * service has received part of the first: only a gateway that streams lets that happen.
     */
    private static final class ProgressGatedBody extends InputStream {
        private final int half;
        private final java.util.function.BooleanSupplier serviceHasData;
        private long sent;
        volatile boolean serviceSawDataBeforeTheEnd;

        ProgressGatedBody(int half, java.util.function.BooleanSupplier serviceHasData) {
            this.half = half;
            this.serviceHasData = serviceHasData;
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] buf, int off, int len) {
            if (sent == half) {
                serviceSawDataBeforeTheEnd = awaitServiceData();
            }
            if (sent >= 2L * half) {
                return -1;
            }
            int n = (int) Math.min(len, (sent < half ? half : 2L * half) - sent);
            java.util.Arrays.fill(buf, off, off + n, (byte) 'x');
            sent += n;
            return n;
        }

        private boolean awaitServiceData() {
            long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
            while (System.nanoTime() < deadline) {
                if (serviceHasData.getAsBoolean()) {
                    return true;
                }
                try {
                    Thread.sleep(50);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return false;
                }
            }
            return false;
        }
    }
}
