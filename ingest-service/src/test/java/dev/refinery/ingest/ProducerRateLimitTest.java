package dev.refinery.ingest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.refinery.localstack.LocalStackTestResource;
import dev.refinery.testing.ContractSchemas;
import dev.refinery.testing.TopicProbe;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import jakarta.inject.Inject;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.UUID;

import static dev.refinery.ingest.CollectionsTest.as;
import static dev.refinery.ingest.CollectionsTest.chat;
import static dev.refinery.ingest.CollectionsTest.create;
import static dev.refinery.ingest.CollectionsTest.envelope;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Per-producer rate limits, on the real PostgreSQL and Kafka, with a rate so low (one example per 100 s) that the clock
 * cannot refill a bucket during a test: over HTTP a flooding producer's batch is 429 with Retry-After and nothing of it
 * kept, other producers go on; over Kafka the excess is refused on examples-rejected for the producer to send again.
 */
@QuarkusTest
@WithTestResource(LocalStackTestResource.class)
class ProducerRateLimitTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @ConfigProperty(name = "kafka.bootstrap.servers")
    String kafka;

    @Inject
    ScriptedExampleLedger ledger;

    private final String tenant = "rate-" + UUID.randomUUID().toString().substring(0, 8);

    private Response send(String collection, String... envelopes) {
        return as(tenant).contentType("application/json").body("[" + String.join(",", envelopes) + "]").when()
                .post("/collections/" + collection + "/examples");
    }

    private long count(String collection, String what) {
        return CollectionsTest.count(tenant, collection, what);
    }

    @Test
    void aFloodingProducerIsAnswered429WithRetryAfterAndNothingOfItsBatchIsKept() {
        String id = create(tenant, "{\"name\": \"limited\", \"producerRate\": 0.01, \"producerBurst\": 2}");
        as(tenant).when().get("/collections/" + id).then().body("producerRate", equalTo(0.01f)).body("producerBurst", equalTo(2));
        send(id, envelope("p", "1", chat("one")), envelope("p", "2", chat("two"))).then().statusCode(200).body("accepted", equalTo(2));

        Response flooded = send(id, envelope("q", "1", chat("q one")), envelope("p", "3", chat("three")));
        flooded.then().statusCode(429).body("code", equalTo("EXAMPLE_RATE_LIMITED")).body("producerId", equalTo("p"));
        int retryAfter = Integer.parseInt(flooded.header("Retry-After"));
        assertTrue(retryAfter >= 90 && retryAfter <= 100, "one example at 0.01 a second: about 100 s, got " + retryAfter);
        assertEquals(retryAfter, (int) flooded.path("retryAfterSeconds"));
        assertEquals(2, count(id, "examples"), "nothing of the refused batch was kept, q's example neither");
        assertEquals(0, count(id, "rejections"), "a rate-limited send is not a wrong example");

        send(id, envelope("q", "1", chat("q one")), envelope("q", "2", chat("q two"))).then().statusCode(200)
                .body("accepted", equalTo(2)); // q has its own allowance, and the refused batch took none of it
        send(id, envelope("p", "1", chat("one"))).then().statusCode(429); // a retry is a send too
        assertEquals(4, count(id, "examples"));
    }

    @Test
    void overKafkaTheExcessIsRefusedOnExamplesRejectedAndNotLogged() throws Exception {
        String id = create(tenant, "{\"name\": \"limited-topic\", \"producerRate\": \"0.01\", \"producerBurst\": \"1\"}");
        TopicProbe probe = new TopicProbe(kafka);
        for (String n : List.of("k-1", "k-2")) {
            probe.send("examples", id, "{\"tenant\":\"" + tenant + "\",\"collectionId\":\"" + id + "\",\"producerId\":\"k\",\"idempotencyId\":\""
                    + n + "\",\"example\":" + chat(n) + "}");
        }
        ConsumerRecord<String, String> refused = probe.await("examples-rejected",
                r -> id.equals(r.key()) && r.value().contains("\"k-2\""), Duration.ofSeconds(30));
        ContractSchemas.assertValid("examples-rejected", refused.value());
        JsonNode event = JSON.readTree(refused.value());
        assertEquals("EXAMPLE_RATE_LIMITED", event.get("problems").get(0).get("code").asText());
        assertEquals("kafka", event.get("via").asText());

        probe.send("examples", id, "{\"tenant\":\"" + tenant + "\",\"collectionId\":\"" + id + "\",\"producerId\":\"other\","
                + "\"idempotencyId\":\"o-1\",\"example\":" + chat("o") + "}"); // behind k-2 on the same partition
        ExamplesTopicTest.await("the other producer's example stored", () -> count(id, "examples") >= 2);
        assertEquals(2, count(id, "examples"), "k-1 and o-1; k-2 was refused");
        assertEquals(0, count(id, "rejections"));
        assertEquals(1, probe.all("examples-rejected", r -> id.equals(r.key()), Duration.ofSeconds(2)).size(), "only k-2 was refused");
    }

    @Test
    void overKafkaARateIsMeasuredByWhenTheProducerSentNotByWhenABacklogIsRead() throws Exception {
        String id = create(tenant, "{\"name\": \"backlog\", \"producerRate\": \"1\", \"producerBurst\": \"1\"}");
        TopicProbe probe = new TopicProbe(kafka);
        long now = System.currentTimeMillis();
        for (int i = 0; i < 4; i++) { // sent a minute apart (an outage's backlog), read all at once
            probe.sendAt("examples", id, "{\"tenant\":\"" + tenant + "\",\"collectionId\":\"" + id + "\",\"producerId\":\"steady\","
                    + "\"idempotencyId\":\"b-" + i + "\",\"example\":" + chat("b" + i) + "}", now - (4 - i) * 60_000L);
        }
        ExamplesTopicTest.await("the backlog stored", () -> count(id, "examples") >= 4);
        assertEquals(4, count(id, "examples"), "one a minute is within one a second, however late it is read");
        assertTrue(probe.all("examples-rejected", r -> id.equals(r.key()), Duration.ofSeconds(2)).isEmpty(), "nothing refused");
    }

    @Test
    void aBatchTheDatabaseCouldNotKeepIsNotChargedTwice() {
        String id = create(tenant, "{\"name\": \"outage\", \"producerRate\": 0.01, \"producerBurst\": 1}");
        ledger.faults().failTransiently(id, 1);
        send(id, envelope("p", "1", chat("one"))).then().statusCode(503).body("code", equalTo("STORE_UNAVAILABLE"));
        send(id, envelope("p", "1", chat("one"))).then().statusCode(200).body("accepted", equalTo(1)); // the one example it may send
        send(id, envelope("p", "2", chat("two"))).then().statusCode(429);
    }

    @Test
    void badLimitsAreRefusedNamingTheField() {
        for (String bad : List.of("0", "\"fast\"", "100001", "-1")) {
            as(tenant).contentType("application/json").body("{\"name\": \"n\", \"producerRate\": " + bad + "}").when().post("/collections")
                    .then().statusCode(400).body("code", equalTo("COLLECTION_PRODUCER_RATE_INVALID")).body("field", equalTo("producerRate"));
        }
        for (String bad : List.of("0", "1.5", "1000001", "\"lots\"")) {
            as(tenant).contentType("application/json").body("{\"name\": \"n\", \"producerBurst\": " + bad + "}").when().post("/collections")
                    .then().statusCode(400).body("code", equalTo("COLLECTION_PRODUCER_BURST_INVALID")).body("field", equalTo("producerBurst"));
        }
        as(tenant).when().get("/collections").then().statusCode(200).body("$", org.hamcrest.Matchers.hasSize(0));
    }
}
