package dev.refinery.gateway;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.refinery.gateway.events.PipelineEvent;
import dev.refinery.gateway.webhook.DeliveryQueue;
import dev.refinery.gateway.webhook.WebhookSender;
import dev.refinery.localstack.LocalStackTestResource;
import dev.refinery.testing.ContractSchemas;
import dev.refinery.testing.TopicProbe;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import jakarta.inject.Inject;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Predicate;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Webhooks end to end inside the gateway: events produced to the real Kafka broker reach a receiver on 127.0.0.1 (allowed in
 * tests by refinery.webhooks.allowed-private-hosts), signed with the webhook's secret, retried after a failure, only for their
 * own tenant; the delivery log, rotation, redelivery and the refusal of internal targets.
 */
@QuarkusTest
@WithTestResource(LocalStackTestResource.class)
@WithTestResource(StubServices.class)
class WebhooksTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final String OTHER_PROJECT = "webhooks-elsewhere";

    @ConfigProperty(name = "kafka.bootstrap.servers")
    String kafka;

    @Inject
    DeliveryQueue queue;

    @Inject
    WebhookSender sender;

    private WebhookReceiver receiver;

    @BeforeEach
    void startReceiver() throws Exception {
        receiver = new WebhookReceiver();
    }

    @AfterEach
    void deleteWebhooks() {
        for (String key : new String[]{null, otherProjectKey()}) {
            for (String id : request(key).when().get("/v1/webhooks").then().extract().jsonPath().getList("id", String.class)) {
                request(key).when().delete("/v1/webhooks/" + id).then().statusCode(204);
            }
        }
        receiver.close();
    }

    @Test
    void theReceiverVerifiesTheSignatureOfARealJobCompletedDelivery() throws Exception {
        JsonPath webhook = create(null, receiver.url("/hooks/signed"), List.of("job-completed"));
        String secret = webhook.getString("secret");
        assertTrue(secret.startsWith("whsec_") && java.util.Base64.getDecoder().decode(secret.substring(6)).length >= 24, secret);

        String eventId = send("job-completed", event("default"));
        WebhookReceiver.Received r = receiver.await(withId(eventId), 1, WAIT).get(0);
        assertTrue(WebhookReceiver.verifies(secret, r), "the signature " + r.signature() + " verifies with the webhook's secret");
        assertTrue(Math.abs(Long.parseLong(r.timestamp()) - Instant.now().getEpochSecond()) < 120, "webhook-timestamp is now, in seconds");
        JsonNode body = JSON.readTree(r.body());
        assertEquals("refinery.job-completed.v1", body.get("type").asText());
        assertEquals(eventId, body.get("id").asText());
        assertEquals("default", body.at("/data/tenant").asText());

        JsonPath log = awaitLog(webhook.getString("id"), eventId, "DELIVERED");
        assertEquals(1, log.getInt("attempts"));
        assertEquals(200, log.getInt("lastResponseCode"));
        assertEquals("thanks", log.getString("lastOutcome"));
        assertFalse(given().when().get("/v1/webhooks/" + webhook.getString("id")).asString().contains(secret), "a webhook is listed without its secret");
    }

    @Test
    void aDeliveryAnswered500IsRetriedAndTheLogShowsBothAttempts() throws Exception {
        receiver.answer("/hooks/flaky", 500);
        JsonPath webhook = create(null, receiver.url("/hooks/flaky"), List.of("job-completed"));
        String eventId = send("job-completed", event("default"));
        List<WebhookReceiver.Received> attempts = receiver.await(withId(eventId), 2, WAIT);
        assertEquals(attempts.get(0).body(), attempts.get(1).body(), "the same event again, under the same webhook-id");

        JsonPath log = awaitLog(webhook.getString("id"), eventId, "DELIVERED");
        assertEquals(2, log.getInt("attempts"));
        assertEquals(200, log.getInt("lastResponseCode"));
    }

    @Test
    void anEventReadTwiceIsDeliveredOnce() throws Exception {
        JsonPath webhook = create(null, receiver.url("/hooks/once"), List.of("job-completed"));
        String key = "ft-" + UUID.randomUUID();
        String eventId = UUID.randomUUID().toString();
        String payload = event("default");
        send("job-completed", key, payload, eventId);
        send("job-completed", key, payload, eventId); // what a producer retry or a re-read after a rebalance looks like
        String later = send("job-completed", key, payload);
        receiver.await(withId(later), 1, WAIT); // same partition: the repeat was consumed before this one
        awaitLog(webhook.getString("id"), eventId, "DELIVERED");
        Thread.sleep(1500);
        assertEquals(1, receiver.all(withId(eventId)).size(), "one delivery per event and webhook");
        assertEquals(1, given().when().get("/v1/webhooks/" + webhook.getString("id") + "/deliveries").then().extract().jsonPath()
                .getList("findAll { it.eventId == '" + eventId + "' }").size());
    }

    @Test
    void sendersRunningAtOnceNeverSendADeliveryTwice() throws Exception {
        String id = create(null, receiver.url("/hooks/raced"), List.of("job-completed")).getString("id");
        List<String> ids = new java.util.ArrayList<>();
        for (int i = 0; i < 60; i++) {
            String eventId = UUID.randomUUID().toString();
            ids.add(eventId);
            queue.enqueue(new PipelineEvent("job-completed", eventId, "default", "ft-race", "{\"id\": \"" + eventId + "\"}"));
        }
        // Four more senders beside the scheduled one, as four more replicas would run, each claiming batches of 20.
        java.util.concurrent.ExecutorService replicas = java.util.concurrent.Executors.newFixedThreadPool(4);
        try {
            for (int r = 0; r < 4; r++) {
                replicas.submit(() -> {
                    for (int run = 0; run < 10; run++) {
                        sender.sendDue();
                    }
                });
            }
            receiver.await(r -> ids.contains(r.id()), ids.size(), WAIT);
        } finally {
            replicas.shutdown();
            assertTrue(replicas.awaitTermination(60, java.util.concurrent.TimeUnit.SECONDS));
        }
        Thread.sleep(1500);
        Map<String, Long> perEvent = receiver.all(r -> ids.contains(r.id())).stream()
                .collect(java.util.stream.Collectors.groupingBy(WebhookReceiver.Received::id, java.util.stream.Collectors.counting()));
        assertEquals(ids.size(), perEvent.size());
        assertEquals(List.of(), perEvent.entrySet().stream().filter(e -> e.getValue() > 1).toList(), "sent more than once");
        given().when().get("/v1/webhooks/" + id + "/deliveries?limit=100").then().body("status", not(hasItem("PENDING")));
    }

    @Test
    void aProjectHasAtMostTheConfiguredNumberOfWebhooks() {
        for (int i = 0; i < 20; i++) {
            create(null, receiver.url("/hooks/many-" + i), null);
        }
        given().contentType(ContentType.JSON).body(Map.of("url", receiver.url("/hooks/one-too-many"))).when().post("/v1/webhooks")
                .then().statusCode(409).body("code", equalTo("WEBHOOK_LIMIT_REACHED")).body("limit", equalTo(20));
    }

    @Test
    void aTenantsWebhookGetsOnlyItsOwnTenantsEvents() throws Exception {
        create(null, receiver.url("/hooks/default"), List.of("job-completed"));
        create(otherProjectKey(), receiver.url("/hooks/elsewhere"), List.of("job-completed"));
        String key = "ft-" + UUID.randomUUID(); // one key: one partition, so the two events arrive in the order they were sent
        String theirs = send("job-completed", key, event(OTHER_PROJECT));
        String ours = send("job-completed", key, event("default"));
        receiver.await(withId(ours).and(r -> r.path().equals("/hooks/default")), 1, WAIT);
        receiver.await(withId(theirs).and(r -> r.path().equals("/hooks/elsewhere")), 1, WAIT);
        assertEquals(List.of(), receiver.all(withId(theirs).and(r -> r.path().equals("/hooks/default"))),
                "the other tenant's event never reaches this tenant's webhook");
        assertEquals(List.of(), receiver.all(withId(ours).and(r -> r.path().equals("/hooks/elsewhere"))));
    }

    @Test
    void aWebhookGetsOnlyTheTopicsItSubscribed() throws Exception {
        create(null, receiver.url("/hooks/evals"), List.of("eval-finished"));
        String key = "ev-" + UUID.randomUUID();
        String job = send("job-completed", key, event("default"));
        String eval = send("eval-finished", key, ContractSchemas.sample("eval-finished"));
        receiver.await(withId(eval), 1, WAIT);
        Thread.sleep(2000);
        assertEquals(List.of(), receiver.all(withId(job)));
    }

    @Test
    void internalAddressesAreRefusedUnlessTheOperatorAllowsThem() {
        for (String url : new String[]{"http://10.1.2.3/hook", "https://192.168.0.1/hook", "http://169.254.169.254/latest/meta-data",
                "http://[::1]:8080/hook", "http://[::ffff:127.0.0.1]/hook", "http://[fd00::1]/hook", "http://0.0.0.0/hook",
                "http://localhost:8080/hook", "http://224.0.0.1/hook"}) {
            given().contentType(ContentType.JSON).body(Map.of("url", url)).when().post("/v1/webhooks").then().statusCode(400)
                    .body("code", equalTo("WEBHOOK_URL_FORBIDDEN")).body("field", equalTo("url"));
        }
        // 127.0.0.1 is allowed by name in the tests' configuration; "localhost" above is not, though it resolves there.
        List<String> events = create(null, receiver.url("/hooks/allowed"), null).getList("events", String.class);
        assertTrue(events.containsAll(List.of("job-submitted", "job-completed", "eval-finished")), "all topics when none are named: " + events);
    }

    @Test
    void everyFieldIsCheckedAndAClearProblemNamesIt() {
        expectInvalid(Map.of("url", "ftp://example.com/x"), "WEBHOOK_URL_INVALID", "url");
        expectInvalid(Map.of("url", "https://user:pw@example.com/x"), "WEBHOOK_URL_INVALID", "url");
        expectInvalid(Map.of("url", "https://example.com/" + "x".repeat(2000)), "WEBHOOK_URL_INVALID", "url");
        expectInvalid(Map.of(), "WEBHOOK_URL_INVALID", "url");
        expectInvalid(Map.of("url", receiver.url("/x"), "events", List.of("job-exploded")), "WEBHOOK_EVENTS_INVALID", "events");
        expectInvalid(Map.of("url", receiver.url("/x"), "description", "d".repeat(501)), "WEBHOOK_DESCRIPTION_INVALID", "description");
        given().when().get("/v1/webhooks/" + "w".repeat(41)).then().statusCode(400).body("code", equalTo("WEBHOOK_ID_INVALID"))
                .body("field", equalTo("id"));
        given().when().get("/v1/webhooks/WH-%2E%2E").then().statusCode(400).body("field", equalTo("id"));
    }

    @Test
    void afterARotationDeliveriesVerifyWithTheNewSecretAndStillWithTheOldOne() throws Exception {
        JsonPath webhook = create(null, receiver.url("/hooks/rotated"), List.of("job-completed"));
        String id = webhook.getString("id");
        String old = webhook.getString("secret");
        JsonPath rotated = given().when().post("/v1/webhooks/" + id + "/rotate").then().statusCode(200)
                .body("previousSecretValidUntil", org.hamcrest.Matchers.notNullValue()).extract().jsonPath();
        String fresh = rotated.getString("secret");
        assertNotEquals(old, fresh);

        String eventId = send("job-completed", event("default"));
        WebhookReceiver.Received r = receiver.await(withId(eventId), 1, WAIT).get(0);
        assertEquals(2, r.signature().split(" ").length, "two v1 entries during the grace period: " + r.signature());
        assertTrue(WebhookReceiver.verifies(fresh, r), "verifies with the new secret");
        assertTrue(WebhookReceiver.verifies(old, r), "verifies with the old secret during the grace period");
        given().when().get("/v1/audit?action=webhook.secret-rotated").then().body("target", hasItem(id));
    }

    @Test
    void anotherProjectsWebhookAnswers404LikeOneThatDoesNotExist() {
        String id = create(null, receiver.url("/hooks/mine"), null).getString("id");
        String other = otherProjectKey();
        String unknown = "wh-" + UUID.randomUUID().toString().replace("-", "");
        for (String[] call : new String[][]{{"GET", ""}, {"DELETE", ""}, {"POST", "/rotate"}, {"GET", "/deliveries"},
                {"POST", "/deliveries/dlv-1/redeliver"}}) {
            JsonPath theirs = request(other).when().request(call[0], "/v1/webhooks/" + id + call[1]).then().statusCode(404).extract().jsonPath();
            JsonPath none = request(other).when().request(call[0], "/v1/webhooks/" + unknown + call[1]).then().statusCode(404).extract().jsonPath();
            assertEquals(none.getString("code"), theirs.getString("code"));
            assertEquals(none.getString("detail").replace(unknown, id), theirs.getString("detail"));
        }
        request(other).when().get("/v1/webhooks").then().statusCode(200).body("id", not(hasItem(id)));
        given().when().get("/v1/webhooks/" + id).then().statusCode(200); // still there, unrotated
    }

    @Test
    void aDeliveryCanBeSentAgainByHandAndTheRedeliveryIsAudited() throws Exception {
        JsonPath webhook = create(null, receiver.url("/hooks/again"), List.of("job-completed"));
        String id = webhook.getString("id");
        String eventId = send("job-completed", event("default"));
        receiver.await(withId(eventId), 1, WAIT);
        String deliveryId = awaitLog(id, eventId, "DELIVERED").getString("id");

        given().when().post("/v1/webhooks/" + id + "/deliveries/" + deliveryId + "/redeliver").then().statusCode(202)
                .body("status", equalTo("PENDING"));
        List<WebhookReceiver.Received> both = receiver.await(withId(eventId), 2, WAIT);
        assertTrue(WebhookReceiver.verifies(webhook.getString("secret"), both.get(1)));
        JsonPath log = awaitLog(id, eventId, "DELIVERED");
        assertEquals(2, log.getInt("attempts"));
        given().when().get("/v1/audit?action=webhook.redelivered").then().body("target", hasItem(deliveryId));
        given().when().get("/v1/audit?action=webhook.created").then().body("target", hasItem(id));
    }

    @Test
    void webhooksNeedAnAdminKey() {
        String reader = given().contentType(ContentType.JSON).body(Map.of("name", "webhook reader", "scope", "read"))
                .when().post("/v1/keys").then().statusCode(201).extract().path("key");
        request(reader).when().get("/v1/webhooks").then().statusCode(403).body("requiredScope", equalTo("admin"));
    }

    // --- helpers

    private static JsonPath create(String key, String url, List<String> events) {
        Map<String, Object> body = new HashMap<>(Map.of("url", url, "description", "test receiver"));
        if (events != null) {
            body.put("events", events);
        }
        return request(key).contentType(ContentType.JSON).body(body).when().post("/v1/webhooks").then().statusCode(201)
                .header("Location", org.hamcrest.Matchers.containsString("/v1/webhooks/wh-")).extract().jsonPath();
    }

    private static void expectInvalid(Map<String, Object> body, String code, String field) {
        given().contentType(ContentType.JSON).body(body).when().post("/v1/webhooks").then().statusCode(400)
                .body("code", equalTo(code)).body("field", equalTo(field));
    }

    /** REST Assured with another project's key, or with the bootstrap key of {@code default} when {@code key} is null. */
    private static io.restassured.specification.RequestSpecification request(String key) {
        return key == null ? given() : given().header("Authorization", "Bearer " + key);
    }

    private static String otherProjectKey() {
        int status = given().contentType(ContentType.JSON).body(Map.of("id", OTHER_PROJECT)).when().post("/v1/projects").statusCode();
        assertTrue(status == 201 || status == 409, "project: " + status);
        return given().contentType(ContentType.JSON).body(Map.of("name", "webhooks elsewhere", "scope", "admin", "project", OTHER_PROJECT))
                .when().post("/v1/keys").then().statusCode(201).extract().path("key");
    }

    /** The delivery of {@code eventId} in the webhook's log, once it has {@code status}. */
    private static JsonPath awaitLog(String webhookId, String eventId, String status) throws InterruptedException {
        long deadline = System.nanoTime() + WAIT.toNanos();
        String last = null;
        while (System.nanoTime() < deadline) {
            last = given().when().get("/v1/webhooks/" + webhookId + "/deliveries").then().statusCode(200).extract().asString();
            JsonPath log = JsonPath.from(last);
            Map<String, Object> entry = log.getMap("find { it.eventId == '" + eventId + "' }");
            if (entry != null && status.equals(entry.get("status"))) {
                return JsonPath.from(toJson(entry));
            }
            Thread.sleep(200);
        }
        throw new AssertionError("no " + status + " delivery of " + eventId + " in " + last);
    }

    private static String toJson(Object o) {
        try {
            return JSON.writeValueAsString(o);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static Predicate<WebhookReceiver.Received> withId(String eventId) {
        return r -> eventId.equals(r.id());
    }

    /** The golden job-completed sample, of {@code tenant}. */
    private static String event(String tenant) throws Exception {
        ObjectNode payload = (ObjectNode) JSON.readTree(ContractSchemas.sample("job-completed"));
        payload.put("tenant", tenant);
        return JSON.writeValueAsString(payload);
    }

    private String send(String topic, String payload) {
        return send(topic, "ft-" + UUID.randomUUID(), payload);
    }

    private String send(String topic, String key, String payload) {
        return send(topic, key, payload, UUID.randomUUID().toString());
    }

    /** Produces an event the way the services do (CloudEvents headers); answers its id. */
    private String send(String topic, String key, String payload, String id) {
        new TopicProbe(kafka).send(topic, key, payload,
                "ce_specversion", "1.0", "ce_id", id, "ce_type", "refinery." + topic + ".v1",
                "ce_source", "/refinery/test", "ce_subject", key, "ce_time", Instant.now().toString(), "content-type", "application/json");
        return id;
    }
}
