package dev.refinery.validation;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.refinery.identity.IdentityTokens;
import dev.refinery.kit.storage.ObjectStorage;
import dev.refinery.localstack.LocalStackTestResource;
import dev.refinery.testing.ContractSchemas;
import dev.refinery.testing.TestIdentity;
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
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.greaterThanOrEqualTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The dataset-uploaded consumer on the real broker: golden sample, repeats, transient failures, poison records and their replay. */
@QuarkusTest
@WithTestResource(LocalStackTestResource.class)
class DatasetUploadedConsumerTest {

    private static final ObjectMapper JSON = new ObjectMapper();

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
    void theGoldenSampleIsConsumedAndItsDatasetValidated() throws Exception {
        String sample = ContractSchemas.sample("dataset-uploaded");
        JsonNode event = JSON.readTree(sample);
        String id = event.get("datasetId").asText();
        fixtures.putRaw(event.get("objectKey").asText(), Fixtures.goodRecords("golden", 270));

        fixtures.sendUploaded(id, sample, UUID.randomUUID().toString());

        ConsumerRecord<String, String> validated = fixtures.awaitValidated(id);
        ContractSchemas.assertValid("dataset-validated", validated.value());
        JsonNode payload = JSON.readTree(validated.value());
        assertEquals("VALID", payload.get("status").asText());
        assertEquals(270, payload.get("records").asLong());
        given().when().get("/reports/" + id).then().statusCode(200)
                .body("datasetName", equalTo("named-stories"))
                .body("sourceObjectKey", equalTo(event.get("objectKey").asText()));
    }

    @Test
    void theSameEventDeliveredTwiceIsValidatedOnceAndAnnouncedOnce() {
        String id = Fixtures.newDatasetId();
        fixtures.putRaw(Fixtures.rawKey(id), Fixtures.goodRecords("twice", 40));
        String ceId = UUID.randomUUID().toString();
        String payload = Fixtures.uploadedEvent(id, Fixtures.rawKey(id));

        fixtures.sendUploaded(id, payload, ceId);
        fixtures.sendUploaded(id, payload, ceId);

        fixtures.awaitValidated(id);
        List<ConsumerRecord<String, String>> events = fixtures.probe().all("dataset-validated", r -> id.equals(r.key()), Duration.ofSeconds(4));
        assertEquals(1, events.size(), "one dataset-validated event per dataset");
        given().when().get("/reports/" + id).then().statusCode(200).body("attempts", equalTo(1));
        given().when().get("/q/metrics").then().statusCode(200)
                .body(containsString("refinery_validation_events_consumed_total{outcome=\"duplicate\"}"));
    }

    @Test
    void aTransientFailureOfTheEffectIsWaitedOutAndTheEventAppliedOnceWithNothingDeadLettered() {
        String id = Fixtures.newDatasetId();
        fixtures.putRaw(Fixtures.rawKey(id), Fixtures.goodRecords("transient", 30));
        requests.faults().failTransiently(id, 3); // SQLTransientConnectionException in the effect's transaction, three times

        fixtures.sendUploaded(id, Fixtures.rawKey(id));

        Fixtures.awaitReport(id).body("status", equalTo("VALID")).body("attempts", equalTo(1));
        assertEquals(4, requests.faults().calls(id), "three rolled-back tries, then the one that committed");
        assertEquals(1, fixtures.probe().all("dataset-validated", r -> id.equals(r.key()), Duration.ofSeconds(4)).size());
        assertTrue(fixtures.probe().all("dataset-uploaded.dlq", r -> id.equals(r.key()), Duration.ofSeconds(5)).isEmpty(),
                "a valid event is never dead-lettered for the platform's own trouble");
    }

    @Test
    void poisonRecordsGoToTheDeadLetterTopicAndConsumptionContinues() {
        String noHeaders = "poison-" + UUID.randomUUID();
        fixtures.probe().send("dataset-uploaded", noHeaders, "this is not an event");
        String badJson = "poison-" + UUID.randomUUID();
        fixtures.sendUploaded(badJson, "{\"datasetId\": ", UUID.randomUUID().toString());
        String badId = "poison-" + UUID.randomUUID();
        fixtures.sendUploaded(badId, Fixtures.uploadedEvent("ds-not-an-id", "datasets/x/raw/a.jsonl"), UUID.randomUUID().toString());

        String id = Fixtures.newDatasetId();
        fixtures.upload(id, Fixtures.goodRecords("after-poison", 20));

        for (String key : List.of(noHeaders, badJson, badId)) {
            ConsumerRecord<String, String> dead = fixtures.probe().await("dataset-uploaded.dlq", r -> key.equals(r.key()), Fixtures.EVENT_TIMEOUT);
            assertEquals(key, dead.key());
            assertNotNull(TopicProbe.header(dead, "dead-letter-reason"), "the DLQ record says why");
        }
        Fixtures.awaitReport(id).body("status", equalTo("VALID"));
    }

    @Test
    void anEventRefusedUntilAFixIsAppliedOnceItsDeadLetterIsReplayed() {
        String id = Fixtures.newDatasetId();
        fixtures.putRaw(Fixtures.rawKey(id), Fixtures.goodRecords("replayed", 25));
        requests.faults().refuse(id); // its effect can never succeed, until the fix
        String ceId = fixtures.sendUploaded(id, Fixtures.uploadedEvent(id, Fixtures.rawKey(id)), UUID.randomUUID().toString());

        ConsumerRecord<String, String> dead = fixtures.probe().await("dataset-uploaded.dlq", r -> id.equals(r.key()), Fixtures.EVENT_TIMEOUT);
        assertNotNull(TopicProbe.header(dead, "dead-letter-reason"));
        given().when().get("/reports/" + id).then().statusCode(404);

        requests.faults().fix(id);
        asOperator().when().post("/admin/dead-letters/dataset-uploaded/replay?limit=1000").then().statusCode(200)
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
        assertEquals(2, requests.faults().calls(id), "refused once, applied once");
    }

    @Test
    void onlyTheTopicsThisServiceConsumesCanBeReplayed() {
        asOperator().when().get("/admin/dead-letters").then().statusCode(200)
                .body("topic", contains("dataset-uploaded"))
                .body("deadLetterTopic", contains("dataset-uploaded.dlq"));
        asOperator().when().post("/admin/dead-letters/job-completed/replay").then().statusCode(404)
                .contentType("application/problem+json")
                .body("code", equalTo("DEAD_LETTER_TOPIC_UNKNOWN"))
                .body("allowed", contains("dataset-uploaded"));
        asOperator().when().post("/admin/dead-letters/dataset-uploaded/replay?limit=0").then().statusCode(400)
                .contentType("application/problem+json")
                .body("code", equalTo("DEAD_LETTER_LIMIT_INVALID"))
                .body("field", equalTo("limit"));
    }

    /** The dead-letter routes are internal: only Refinery's own services (an operator's tooling) may call them. */
    private static io.restassured.specification.RequestSpecification asOperator() {
        return given().header(IdentityTokens.HEADER, TestIdentity.service("operator"));
    }
}
