package dev.refinery.validation;

import dev.refinery.kit.storage.ObjectStorage;
import dev.refinery.localstack.LocalStackTestResource;
import dev.refinery.testing.TopicProbe;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.UUID;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.greaterThanOrEqualTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

/** Dead letters of dataset-uploaded replayed through the admin endpoint, on the real broker. */
@QuarkusTest
@WithTestResource(LocalStackTestResource.class)
class DeadLetterReplayTest {

    @Inject
    ObjectStorage storage;

    @Inject
    ScriptedValidationRequests requests;

    @ConfigProperty(name = "kafka.bootstrap.servers")
    String kafka;

    private Fixtures fixtures;

    @BeforeEach
    void setUp() {
        fixtures = new Fixtures(storage, kafka);
    }

    @Test
    void anEventRefusedUntilAFixIsAppliedOnceItsDeadLetterIsReplayed() {
        String id = Fixtures.newDatasetId();
        fixtures.putRaw(Fixtures.rawKey(id), Fixtures.goodRecords("replayed", 25));
        requests.refuse(id); // its effect can never succeed, until the fix
        String ceId = fixtures.sendUploaded(id, Fixtures.uploadedEvent(id, Fixtures.rawKey(id)), UUID.randomUUID().toString());

        ConsumerRecord<String, String> dead = fixtures.probe().await("dataset-uploaded.dlq", r -> id.equals(r.key()), Fixtures.EVENT_TIMEOUT);
        assertNotNull(TopicProbe.header(dead, "dead-letter-reason"));
        given().when().get("/reports/" + id).then().statusCode(404);

        requests.fix(id);
        given().when().post("/admin/dead-letters/dataset-uploaded/replay?limit=1000").then().statusCode(200)
                .body("topic", equalTo("dataset-uploaded"))
                .body("deadLetterTopic", equalTo("dataset-uploaded.dlq"))
                .body("replayed", greaterThanOrEqualTo(1));

        Fixtures.awaitReport(id).body("status", equalTo("VALID")).body("validRecords", equalTo(25));
        fixtures.awaitValidated(id);
        List<ConsumerRecord<String, String>> delivered = fixtures.probe().all("dataset-uploaded", r -> id.equals(r.key()), Duration.ofSeconds(4));
        assertEquals(2, delivered.size(), "the original and its replay");
        ConsumerRecord<String, String> replayed = delivered.get(1);
        assertEquals(ceId, TopicProbe.header(replayed, "ce_id"), "the same event, so the inbox would drop a repeat");
        assertEquals("refinery.dataset-uploaded.v1", TopicProbe.header(replayed, "ce_type"));
        assertNull(TopicProbe.header(replayed, "dead-letter-reason"), "not the dead-letter strategy's headers");
        assertEquals(dead.value(), replayed.value());
        assertEquals(2, requests.calls(id), "refused once, applied once");
    }

    @Test
    void onlyTheTopicsThisServiceConsumesCanBeReplayed() {
        given().when().get("/admin/dead-letters").then().statusCode(200)
                .body("topic", contains("dataset-uploaded"))
                .body("deadLetterTopic", contains("dataset-uploaded.dlq"));
        given().when().post("/admin/dead-letters/job-completed/replay").then().statusCode(404)
                .contentType("application/problem+json")
                .body("code", equalTo("DEAD_LETTER_TOPIC_UNKNOWN"))
                .body("allowed", contains("dataset-uploaded"));
        given().when().post("/admin/dead-letters/dataset-uploaded/replay?limit=0").then().statusCode(400)
                .contentType("application/problem+json")
                .body("code", equalTo("DEAD_LETTER_LIMIT_INVALID"))
                .body("field", equalTo("limit"));
    }
}
