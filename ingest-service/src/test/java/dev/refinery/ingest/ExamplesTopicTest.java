package dev.refinery.ingest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.refinery.localstack.LocalStackTestResource;
import dev.refinery.testing.ContractSchemas;
import dev.refinery.testing.TopicProbe;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.UUID;
import java.util.function.Supplier;

import static dev.refinery.ingest.CollectionsTest.as;
import static dev.refinery.ingest.CollectionsTest.chat;
import static dev.refinery.ingest.CollectionsTest.create;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Producers on the {@code examples} topic, against the real broker: the golden samples are read, valid examples stored once
 * however often they are delivered, invalid ones logged with their rule, examples for an unknown or another tenant's
 * collection refused without touching it, and records that are not envelopes dead-lettered while the consumer goes on.
 */
@QuarkusTest
@WithTestResource(LocalStackTestResource.class)
class ExamplesTopicTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @ConfigProperty(name = "kafka.bootstrap.servers")
    String kafka;

    @Inject
    ScriptedExampleLedger ledger;

    private final String tenant = "topic-" + UUID.randomUUID().toString().substring(0, 8);
    private final String other = "other-" + UUID.randomUUID().toString().substring(0, 8);

    /** A golden sample, aimed at {@code collection} of {@code owner}. */
    private static String sample(String name, String owner, String collection, String idempotencyId) throws Exception {
        ObjectNode record = (ObjectNode) JSON.readTree(ContractSchemas.sample(name));
        record.put("tenant", owner).put("collectionId", collection).put("idempotencyId", idempotencyId);
        return record.toString();
    }

    private long count(String collection, String what) {
        return CollectionsTest.count(tenant, collection, what);
    }

    static void await(String what, Supplier<Boolean> condition) throws InterruptedException {
        Instant until = Instant.now().plusSeconds(30);
        while (!condition.get()) {
            assertTrue(Instant.now().isBefore(until), "timed out waiting until " + what);
            Thread.sleep(200);
        }
    }

    @Test
    void theGoldenSamplesAreReadAndAValidExampleIsStoredOnceHoweverOftenItComes() throws Exception {
        String id = create(tenant, "{\"name\": \"from-kafka\"}");
        TopicProbe probe = new TopicProbe(kafka);
        String conversation = sample("examples", tenant, id, "c-1");
        probe.send("examples", id, conversation);
        probe.send("examples", id, conversation); // a producer's retry, or a redelivery
        String preferences = create(tenant, "{\"name\": \"pairs\"}"); // a collection holds one format
        probe.send("examples", preferences, sample("examples-preference", tenant, preferences, "p-1"));
        probe.send("examples", null, sample("examples-invalid", tenant, id, "bad-1")); // no key: still read
        await("one example stored and one refused", () -> count(id, "examples") == 1 && count(id, "rejections") == 1);
        await("the preference pair stored", () -> count(preferences, "examples") == 1);

        JsonNode log = JSON.readTree(as(tenant).when().get("/collections/" + id + "/rejections").asString());
        assertEquals("bad-1", log.get(0).get("idempotencyId").asText());
        assertEquals("kafka", log.get(0).get("via").asText());
        assertEquals("DATASET_ROLE_UNKNOWN", log.get(0).get("problems").get(0).get("code").asText());
        assertEquals("messages[1].role", log.get(0).get("problems").get(0).get("path").asText());
        ConsumerRecord<String, String> event = probe.await("examples-rejected", r -> id.equals(r.key()), Duration.ofSeconds(20));
        ContractSchemas.assertValid("examples-rejected", event.value());
        assertEquals("kafka", JSON.readTree(event.value()).get("via").asText());

        // The same invalid example delivered again is neither logged nor announced twice.
        probe.send("examples", id, sample("examples-invalid", tenant, id, "bad-1"));
        probe.send("examples", id, sample("examples", tenant, id, "c-2")); // a marker behind it on the same partition
        await("the marker stored", () -> count(id, "examples") == 2);
        assertEquals(1, count(id, "rejections"));
        assertEquals(1, probe.all("examples-rejected", r -> id.equals(r.key()), Duration.ofSeconds(3)).size());
    }

    @Test
    void anExampleForAnotherTenantsOrAnUnknownCollectionIsRefusedWithoutTouchingIt() throws Exception {
        String id = create(tenant, "{\"name\": \"guarded\"}");
        TopicProbe probe = new TopicProbe(kafka);
        probe.send("examples", id, sample("examples", other, id, "intruder-1"));
        ConsumerRecord<String, String> refused = probe.await("examples-rejected",
                r -> id.equals(r.key()) && r.value().contains("intruder-1"), Duration.ofSeconds(20));
        ContractSchemas.assertValid("examples-rejected", refused.value());
        JsonNode event = JSON.readTree(refused.value());
        assertEquals("COLLECTION_NOT_FOUND", event.get("problems").get(0).get("code").asText());
        assertEquals(other, event.get("tenant").asText(), "told to the tenant the record named, never to the collection's owner");

        String unknown = CollectionsTest.UNKNOWN;
        probe.send("examples", unknown, sample("examples", tenant, unknown, "nowhere-1"));
        assertEquals("COLLECTION_NOT_FOUND", JSON.readTree(probe.await("examples-rejected",
                r -> unknown.equals(r.key()) && r.value().contains("nowhere-1"), Duration.ofSeconds(20)).value()).get("problems").get(0).get("code").asText());

        probe.send("examples", id, sample("examples", tenant, id, "marker"));
        await("the owner's own example stored", () -> count(id, "examples") == 1);
        assertEquals(0, count(id, "rejections"), "another tenant's attempt is not in the owner's log");
    }

    @Test
    void aRefusalForAnUnknownOrAnotherTenantsCollectionIsAnnouncedOncePerDistinctExample() throws Exception {
        String unknown = "col-" + UUID.randomUUID().toString().replace("-", "");
        String ofOther = create(other, "{\"name\": \"theirs\"}");
        TopicProbe probe = new TopicProbe(kafka);
        for (int i = 0; i < 3; i++) { // redeliveries, or a producer's retries
            probe.send("examples", unknown, sample("examples", tenant, unknown, "again"));
            probe.send("examples", ofOther, sample("examples", tenant, ofOther, "again"));
        }
        // Markers behind them on the same partitions (same keys): once they are announced, the repeats were read.
        probe.send("examples", unknown, sample("examples", tenant, unknown, "marker"));
        probe.send("examples", ofOther, sample("examples", tenant, ofOther, "marker"));
        for (String key : new String[] {unknown, ofOther}) {
            probe.await("examples-rejected", r -> key.equals(r.key()) && r.value().contains("\"marker\""), Duration.ofSeconds(30));
            assertEquals(1, probe.all("examples-rejected", r -> key.equals(r.key()) && r.value().contains("\"again\""), Duration.ofSeconds(3)).size(),
                    "the same refused example is announced once for " + key);
        }
        ObjectNode corrected = (ObjectNode) JSON.readTree(sample("examples", tenant, unknown, "again"));
        corrected.set("example", JSON.readTree(chat("another example under the same id")));
        probe.send("examples", unknown, corrected.toString());
        probe.send("examples", unknown, sample("examples", tenant, unknown, "marker-2"));
        probe.await("examples-rejected", r -> unknown.equals(r.key()) && r.value().contains("\"marker-2\""), Duration.ofSeconds(30));
        assertEquals(2, probe.all("examples-rejected", r -> unknown.equals(r.key()) && r.value().contains("\"again\""), Duration.ofSeconds(3)).size(),
                "another example under the same id is another refusal");
    }

    @Test
    void theDatabaseAwayIsWaitedOutOnTheTopicAndA503OverHttpNeverADeadLetter() throws Exception {
        String id = create(tenant, "{\"name\": \"outage\"}");
        ledger.faults().failTransiently(id, 3);
        new TopicProbe(kafka).send("examples", id, sample("examples", tenant, id, "during-outage"));
        await("the example stored once the database is back", () -> count(id, "examples") == 1);
        assertEquals(4, ledger.faults().calls(id), "three tries failed, the fourth stored it");
        assertEquals(0, new TopicProbe(kafka).all("examples.dlq", r -> r.value() != null && r.value().contains("during-outage"),
                Duration.ofSeconds(2)).size());

        ledger.faults().failTransiently(id, 1);
        String batch = "[{\"producerId\":\"p\",\"idempotencyId\":\"http-1\",\"example\":" + chat("over http") + "}]";
        as(tenant).contentType("application/json").body(batch).when().post("/collections/" + id + "/examples")
                .then().statusCode(503).body("code", equalTo("STORE_UNAVAILABLE"));
        as(tenant).contentType("application/json").body(batch).when().post("/collections/" + id + "/examples")
                .then().statusCode(200).body("accepted", equalTo(1));
        assertEquals(2, count(id, "examples"));
    }

    @Test
    void recordsThatAreNotEnvelopesAreDeadLetteredAndTheConsumerGoesOn() throws Exception {
        String id = create(tenant, "{\"name\": \"poison\"}");
        TopicProbe probe = new TopicProbe(kafka);
        String marker = UUID.randomUUID().toString();
        probe.send("examples", id, "not json " + marker);
        probe.send("examples", id, "{\"tenant\":\"" + tenant + "\",\"collectionId\":\"" + id + "\",\"idempotencyId\":\"" + marker
                + "\",\"example\":" + chat("no producer") + "}");
        probe.send("examples", id, "{\"collectionId\":\"" + id + "\",\"producerId\":\"p\",\"idempotencyId\":\"" + marker + "-t\",\"example\":"
                + chat("no tenant") + "}");
        probe.send("examples", "col-11111111111111111111111111111111", sample("examples", tenant, id, marker + "-key"));
        for (String m : new String[] {"not json " + marker, "\"idempotencyId\":\"" + marker + "\"", marker + "-t", marker + "-key"}) {
            probe.await("examples.dlq", r -> r.value() != null && r.value().contains(m), Duration.ofSeconds(30));
        }
        probe.send("examples", id, sample("examples", tenant, id, "after-poison"));
        await("the consumer goes on after poison", () -> count(id, "examples") == 1);
        assertEquals(0, count(id, "rejections"), "poison is not a rejection");
    }
}
