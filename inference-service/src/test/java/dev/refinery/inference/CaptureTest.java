package dev.refinery.inference;

import dev.refinery.datasets.check.CheckOptions;
import dev.refinery.datasets.check.DatasetChecker;
import dev.refinery.datasets.report.DatasetReport;
import dev.refinery.identity.Caller;
import dev.refinery.identity.IdentityTokens;
import dev.refinery.identity.Scope;
import dev.refinery.inference.capture.RetentionSweep;
import dev.refinery.inference.repository.CapturedExchange;
import dev.refinery.inference.repository.ExchangeFeedback;
import dev.refinery.localstack.LocalStackTestResource;
import dev.refinery.testing.TestIdentity;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import jakarta.inject.Inject;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.nullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Capture of traffic and feedback, opt-in per project, against the real stack: nothing is recorded until a project turns
 * capture on; then every answer, whole or streamed, is recorded after it is sent, redacted, with its tokens and latency;
 * feedback names an answer of the project's own; the export is a dataset the platform's validator accepts; old answers are
 * swept away.
 */
@QuarkusTest
@WithTestResource(LocalStackTestResource.class)
class CaptureTest {

    private static final String EMAIL_PROMPT = "Write a story for mia.jones@example.com about a cat.";

    @Inject
    RetentionSweep sweep;

    private String tenant;

    @BeforeEach
    void aProject() {
        tenant = "capture-" + ServingFixtures.hex().substring(0, 8);
        TestIdentity.actAs(tenant);
    }

    @Test
    void captureIsOffByDefaultAndThenNothingIsRecorded() throws InterruptedException {
        given().when().get("/v1/capture/settings").then().statusCode(200)
                .body("enabled", equalTo(false)).body("retentionDays", equalTo(30)).body("redact.size()", equalTo(0))
                .body("updatedAt", nullValue());
        String id = chat(ServingFixtures.STORY_REQUEST, 8, false);
        Thread.sleep(1500); // capture runs after the answer: give it the time it would take
        assertEquals(0, records().getList("$").size());
        given().contentType(ContentType.JSON).body(Map.of("responseId", id, "thumbs", "up")).when().post("/v1/feedback").then()
                .statusCode(404).contentType("application/problem+json").body("code", equalTo("FEEDBACK_RESPONSE_NOT_FOUND"))
                .body("field", equalTo("responseId"));
    }

    @Test
    void wholeAndStreamedAnswersAreRecordedRedactedWithTokensAndLatency() {
        enable(List.of("[\\w.+-]+@[\\w-]+\\.[\\w.]+"));
        String whole = chat(EMAIL_PROMPT, 12, false);
        String streamed = chat(EMAIL_PROMPT, 12, true);
        JsonPath r = awaitRecords(2);
        for (int i = 0; i < 2; i++) {
            String at = "[" + i + "]";
            assertEquals("stories260K", r.getString(at + ".model"));
            assertEquals("stories260K", r.getString(at + ".servedModel"));
            assertEquals("user", r.getString(at + ".messages[0].role"));
            assertEquals("Write a story for [REDACTED] about a cat.", r.getString(at + ".messages[0].content"), "redacted before storing");
            assertTrue(r.getInt(at + ".promptTokens") > 0 && r.getInt(at + ".completionTokens") > 0, r.prettify());
            assertTrue(r.getLong(at + ".latencyMs") >= 0 && r.get(at + ".timeToFirstTokenMs") != null, r.prettify());
            assertFalse(r.getString(at + ".output").isEmpty());
            assertTrue(List.of("stop", "length").contains(r.getString(at + ".finishReason")));
        }
        // Newest first: the streamed one, then the whole one, by the ids their responses carried.
        assertEquals(List.of(streamed, whole), r.getList("id"));
        assertEquals(List.of(true, false), r.getList("streamed"));
        assertFalse(r.prettify().contains("mia.jones@example.com"));
        String metrics = given().when().get("/q/metrics").then().statusCode(200).extract().asString();
        assertTrue(metrics.contains("refinery_inference_captured_records_total{tenant=\"" + tenant + "\"} 2.0"), "captured per tenant");
    }

    @Test
    void whatEvalServiceAsksOnTheProjectsBehalfIsNotItsTrafficAndIsNotCaptured() throws InterruptedException {
        enable(List.of());
        String asked = given().header(IdentityTokens.HEADER, TestIdentity.tokens().mint(Caller.serviceFor("eval-service", tenant)))
                .contentType(ContentType.JSON).body(Map.of("model", "stories260K", "temperature", 0, "max_tokens", 8,
                        "messages", List.of(Map.of("role", "user", "content", EMAIL_PROMPT)))).when().post("/v1/chat/completions")
                .then().statusCode(200).extract().jsonPath().getString("id");
        String traffic = chat(EMAIL_PROMPT, 8, false);
        awaitRecords(1);
        Thread.sleep(1000); // capture runs after the answer, on one thread, in order: give the other the time it would take
        assertEquals(List.of(traffic), records().getList("id"), "the project's own request only, not " + asked);
    }

    @Test
    void feedbackNamesAnAnswerOfTheProjectsOwnAndTheLatestReplacesTheEarlier() {
        enable(List.of());
        String id = chat(ServingFixtures.STORY_REQUEST, 8, false);
        // Sent as soon as the answer came, while it may still be on its way to storage: it waits for it.
        feedback(Map.of("responseId", id, "thumbs", "down")).then().statusCode(201).body("responseId", equalTo(id))
                .body("thumbs", equalTo("down")).body("rating", nullValue());
        feedback(Map.of("responseId", id, "rating", 2, "correction", "Once upon a time, there was a girl named Mia.")).then()
                .statusCode(200).body("rating", equalTo(2)).body("thumbs", nullValue())
                .body("correction", equalTo("Once upon a time, there was a girl named Mia."));
        assertEquals(2, records().getInt("[0].feedback.rating"));

        // Another project's answer is as unknown as one that was never captured.
        given().header(IdentityTokens.HEADER, TestIdentity.header("someone-else", Scope.WRITE)).contentType(ContentType.JSON)
                .body(Map.of("responseId", id, "thumbs", "up")).when().post("/v1/feedback").then().statusCode(404)
                .body("code", equalTo("FEEDBACK_RESPONSE_NOT_FOUND"));
        refused(Map.of("responseId", "chatcmpl-nothing", "rating", 3), 404, "FEEDBACK_RESPONSE_NOT_FOUND", "responseId");
        refused(Map.of("thumbs", "up"), 400, "FEEDBACK_RESPONSE_ID_REQUIRED", "responseId");
        refused(Map.of("responseId", id), 400, "FEEDBACK_EMPTY", "rating");
        refused(Map.of("responseId", id, "rating", 6), 400, "FEEDBACK_RATING_INVALID", "rating");
        refused(Map.of("responseId", id, "thumbs", "sideways"), 400, "FEEDBACK_THUMBS_INVALID", "thumbs");
        refused(Map.of("responseId", id, "correction", " "), 400, "FEEDBACK_CORRECTION_INVALID", "correction");
    }

    @Test
    void settingsAreCheckedAndChangedByAnAdminOnly() {
        settings(Map.of("retentionDays", 0)).then().statusCode(400).body("code", equalTo("CAPTURE_RETENTION_INVALID"))
                .body("field", equalTo("retentionDays"));
        settings(Map.of("retentionDays", 3651)).then().statusCode(400).body("code", equalTo("CAPTURE_RETENTION_INVALID"));
        settings(Map.of("redact", List.of("ok", "(unclosed"))).then().statusCode(400).body("code", equalTo("CAPTURE_REDACT_INVALID"))
                .body("field", equalTo("redact[1]"));
        settings(Map.of("redact", Collections.nCopies(21, "x"))).then().statusCode(400).body("code", equalTo("CAPTURE_REDACT_TOO_MANY"))
                .body("field", equalTo("redact"));
        settings(Map.of("enabled", "yes")).then().statusCode(400).body("code", equalTo("CAPTURE_ENABLED_INVALID"));
        given().header(IdentityTokens.HEADER, TestIdentity.header(tenant, Scope.WRITE)).contentType(ContentType.JSON)
                .body(Map.of("enabled", true)).when().put("/v1/capture/settings").then().statusCode(403)
                .body("code", equalTo("IDENTITY_SCOPE_INSUFFICIENT"));
        settings(Map.of("enabled", true, "retentionDays", 7)).then().statusCode(200).body("enabled", equalTo(true))
                .body("retentionDays", equalTo(7));
        // A change names what it changes: the rest stays.
        settings(Map.of("redact", List.of("secret-\\d+"))).then().statusCode(200).body("enabled", equalTo(true))
                .body("retentionDays", equalTo(7)).body("redact", equalTo(List.of("secret-\\d+")));
        given().when().get("/v1/capture/records?limit=500").then().statusCode(400).body("code", equalTo("CAPTURE_PAGE_INVALID"))
                .body("field", equalTo("limit"));
        given().when().get("/v1/capture/export?kind=rlhf").then().statusCode(400).body("code", equalTo("CAPTURE_EXPORT_KIND_INVALID"))
                .body("field", equalTo("kind"));
        given().when().get("/v1/capture/export?since=yesterday").then().statusCode(400).body("code", equalTo("CAPTURE_EXPORT_TIME_INVALID"))
                .body("field", equalTo("since"));
    }

    @Test
    void aCorrectedConversationIsExportedAsAnSftExampleTheValidatorAccepts() throws IOException {
        enable(List.of());
        assertEquals("", export("sft"), "nothing eligible yet: an empty dataset");
        String corrected = chat(ServingFixtures.STORY_REQUEST, 8, false);
        String liked = chat("Write a story about a dog named Max.", 8, false);
        String disliked = chat("Write a story about a boy named Tom.", 8, false);
        awaitRecords(3);
        String correction = "Once upon a time, there was a little girl named Mia. She loved to play in the park.";
        feedback(Map.of("responseId", corrected, "thumbs", "down", "correction", correction)).then().statusCode(201);
        feedback(Map.of("responseId", liked, "thumbs", "up")).then().statusCode(201);
        feedback(Map.of("responseId", disliked, "rating", 1)).then().statusCode(201);

        String jsonl = export("sft");
        List<String> lines = jsonl.lines().toList();
        assertEquals(2, lines.size(), jsonl);
        JsonPath first = JsonPath.from(lines.get(0));
        assertEquals(List.of("user", "assistant"), first.getList("messages.role"));
        assertEquals(ServingFixtures.STORY_REQUEST, first.getString("messages[0].content"));
        assertEquals(correction, first.getString("messages[1].content"), "the correction is the assistant's turn");
        assertEquals("Write a story about a dog named Max.", JsonPath.from(lines.get(1)).getString("messages[0].content"));

        DatasetReport report = validate(jsonl);
        assertTrue(report.accepted(), report.toString());
        assertEquals(2, report.validRecords());
        assertEquals(0, report.invalidRecords());
    }

    @Test
    void correctionsAndTwoRatedAnswersToOnePromptBecomePreferencePairsTheValidatorAccepts() throws IOException {
        enable(List.of());
        String corrected = chat("Write a story about a boy named Tom.", 8, false);
        String better = chat(ServingFixtures.STORY_REQUEST, 16, false);
        String worse = chat(ServingFixtures.STORY_REQUEST, 4, false);
        awaitRecords(3);
        String correction = "Once upon a time, there was a little boy named Tom. He had a red ball.";
        feedback(Map.of("responseId", corrected, "thumbs", "down", "correction", correction)).then().statusCode(201);
        feedback(Map.of("responseId", better, "rating", 5)).then().statusCode(201);
        feedback(Map.of("responseId", worse, "rating", 2)).then().statusCode(201);
        JsonPath records = records();
        Map<String, String> outputs = new HashMap<>();
        for (int i = 0; i < 3; i++) {
            outputs.put(records.getString("[" + i + "].id"), records.getString("[" + i + "].output"));
        }

        String jsonl = export("preference");
        List<String> lines = jsonl.lines().toList();
        assertEquals(2, lines.size(), jsonl);
        JsonPath fix = JsonPath.from(lines.get(0));
        assertEquals("Write a story about a boy named Tom.", fix.getString("input.messages[0].content"));
        assertEquals(correction, fix.getString("preferred_output[0].content"));
        assertEquals(outputs.get(corrected), fix.getString("non_preferred_output[0].content"));
        JsonPath ranked = JsonPath.from(lines.get(1));
        assertEquals(ServingFixtures.STORY_REQUEST, ranked.getString("input.messages[0].content"));
        assertEquals(outputs.get(better), ranked.getString("preferred_output[0].content"), "the higher-rated answer is preferred");
        assertEquals(outputs.get(worse), ranked.getString("non_preferred_output[0].content"));

        DatasetReport report = validate(jsonl);
        assertTrue(report.accepted(), report.toString());
        assertEquals(2, report.validRecords());
        // A window that ends before they were answered holds nothing.
        assertEquals("", given().when().get("/v1/capture/export?kind=preference&until=2020-01-01T00:00:00Z").then().statusCode(200)
                .extract().asString());
    }

    @Test
    void theRetentionSweepDeletesAnswersOlderThanTheProjectKeepsThemWithTheirFeedback() {
        settings(Map.of("enabled", true, "retentionDays", 7)).then().statusCode(200);
        String fresh = chat(ServingFixtures.STORY_REQUEST, 4, false);
        awaitRecords(1);
        String old = "chatcmpl-old" + ServingFixtures.hex();
        QuarkusTransaction.requiringNew().run(() -> {
            CapturedExchange e = CapturedExchange.of(tenant, fresh).orElseThrow();
            CapturedExchange copy = new CapturedExchange();
            copy.id = old;
            copy.tenant = tenant;
            copy.requestedModel = e.requestedModel;
            copy.servedModel = e.servedModel;
            copy.baseModel = e.baseModel;
            copy.messages = e.messages;
            copy.promptHash = e.promptHash;
            copy.output = e.output;
            copy.finishReason = e.finishReason;
            copy.promptTokens = e.promptTokens;
            copy.completionTokens = e.completionTokens;
            copy.latencyMs = e.latencyMs;
            copy.streamed = false;
            copy.createdAt = OffsetDateTime.now(ZoneOffset.UTC).minusDays(8);
            copy.persist();
        });
        feedback(Map.of("responseId", old, "thumbs", "up")).then().statusCode(201);
        assertEquals(2, records().getList("$").size());

        assertTrue(sweep.sweep() >= 1);
        assertEquals(List.of(fresh), records().getList("id"), "the 8-day-old answer is gone, today's stays");
        assertEquals(0L, QuarkusTransaction.requiringNew().call(() -> ExchangeFeedback.count("responseId", old)), "its feedback with it");
    }

    private void enable(List<String> redact) {
        settings(Map.of("enabled", true, "redact", redact)).then().statusCode(200).body("enabled", equalTo(true));
    }

    private static io.restassured.response.Response settings(Map<String, ?> body) {
        return given().contentType(ContentType.JSON).body(body).when().put("/v1/capture/settings");
    }

    private static io.restassured.response.Response feedback(Map<String, ?> body) {
        return given().contentType(ContentType.JSON).body(body).when().post("/v1/feedback");
    }

    private static void refused(Map<String, ?> body, int status, String code, String field) {
        feedback(body).then().statusCode(status).contentType("application/problem+json").body("code", equalTo(code))
                .body("field", equalTo(field));
    }

    /** A greedy answer of the base model; returns the response's id. */
    private static String chat(String prompt, int maxTokens, boolean stream) {
        Map<String, Object> request = new HashMap<>(Map.of("model", "stories260K", "temperature", 0, "max_tokens", maxTokens,
                "messages", List.of(Map.of("role", "user", "content", prompt))));
        request.put("stream", stream);
        io.restassured.response.Response r = given().contentType(ContentType.JSON).body(request).when().post("/v1/chat/completions");
        assertEquals(200, r.statusCode(), r.asString());
        if (!stream) {
            return r.jsonPath().getString("id");
        }
        String first = r.asString().lines().filter(l -> l.startsWith("data: {")).findFirst().orElseThrow();
        return JsonPath.from(first.substring("data: ".length())).getString("id");
    }

    private static JsonPath records() {
        return given().when().get("/v1/capture/records").then().statusCode(200).extract().jsonPath();
    }

    /** Capture happens after the answer, on its own thread: wait for it. */
    private static JsonPath awaitRecords(int n) {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (true) {
            JsonPath r = records();
            if (r.getList("$").size() >= n) {
                return r;
            }
            assertTrue(System.nanoTime() < deadline, "only " + r.getList("$").size() + " of " + n + " answers captured");
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
        }
    }

    private static String export(String kind) {
        return given().when().get("/v1/capture/export?kind=" + kind).then().statusCode(200).contentType("application/x-ndjson")
                .extract().asString();
    }

    /** The platform's validator, as every upload meets it (the local engine's rules). */
    private static DatasetReport validate(String jsonl) throws IOException {
        return new DatasetChecker(CheckOptions.builder().build())
                .check(new ByteArrayInputStream(jsonl.getBytes(StandardCharsets.UTF_8))).report();
    }
}
