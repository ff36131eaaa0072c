package dev.refinery.ingest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.refinery.kit.storage.ObjectStorage;
import dev.refinery.localstack.LocalStackTestResource;
import dev.refinery.testing.ContractSchemas;
import dev.refinery.testing.TopicProbe;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.matchesPattern;
import static org.hamcrest.Matchers.not;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * POST /datasets/{id}/clean-version against the real stack. validation-service's part (writing
 * datasets/{id}/validated/clean.jsonl) is played by the test, which puts that object where the service would.
 */
@QuarkusTest
@WithTestResource(LocalStackTestResource.class)
class CleanVersionTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String GOOD = "{\"messages\":[{\"role\":\"user\",\"content\":\"hi\"},{\"role\":\"assistant\",\"content\":\"hello\"}]}";
    private static final String RAW = GOOD + "\n{\"messages\": broken\n" + GOOD.replace("hi", "hey") + "\n";
    private static final String CLEAN = GOOD + "\n" + GOOD.replace("hi", "hey") + "\n";

    @Inject
    ObjectStorage storage;

    @ConfigProperty(name = "kafka.bootstrap.servers")
    String kafka;

    @Test
    void theCleanSubsetBecomesANewDatasetLinkedToItsParentAndIsAnnounced() throws Exception {
        String parent = given().contentType("application/x-ndjson").body(RAW.getBytes(StandardCharsets.UTF_8))
                .when().post("/datasets?name=support&splits=90/10&dedup=exact")
                .then().statusCode(201).extract().path("id");

        given().when().post("/datasets/" + parent + "/clean-version")
                .then().statusCode(409)
                .contentType("application/problem+json")
                .body("code", equalTo("DATASET_NOT_VALIDATED"));

        byte[] clean = CLEAN.getBytes(StandardCharsets.UTF_8);
        storage.put("datasets/" + parent + "/validated/clean.jsonl", clean, "application/x-ndjson");
        String child = given().when().post("/datasets/" + parent + "/clean-version")
                .then().statusCode(201)
                .header("Location", containsString("/datasets/ds-"))
                .body("id", matchesPattern("ds-[0-9a-f]{32}"))
                .body("id", not(equalTo(parent)))
                .body("name", equalTo("support"))
                .body("parentDatasetId", equalTo(parent))
                .body("bytes", equalTo(clean.length))
                .body("lines", equalTo(2))
                .body("sha256", equalTo(HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(clean))))
                .body("checks.splits", equalTo("90/10/0"))
                .body("checks.dedup", equalTo("exact"))
                .extract().path("id");

        String key = given().when().get("/datasets/" + child).then().statusCode(200)
                .body("parentDatasetId", equalTo(parent)).extract().path("objectKey");
        assertArrayEquals(clean, storage.read(key), "the new dataset holds exactly the clean records");

        ConsumerRecord<String, String> event = new TopicProbe(kafka).await("dataset-uploaded", r -> child.equals(r.key()), Duration.ofSeconds(20));
        ContractSchemas.assertValid("dataset-uploaded", event.value());
        JsonNode payload = JSON.readTree(event.value());
        assertEquals(parent, payload.get("parentDatasetId").asText());
        assertEquals("exact", payload.get("checks").get("dedup").asText(), "checked the way its parent was");

        given().when().post("/datasets/" + parent + "/clean-version")
                .then().statusCode(200).body("id", equalTo(child));
    }

    @Test
    void anEmptyCleanSubsetCreatesNothingAndUnknownParentsAreClear() {
        String parent = given().contentType("application/x-ndjson").body("not json\n".getBytes(StandardCharsets.UTF_8))
                .when().post("/datasets?name=all-bad").then().statusCode(201).extract().path("id");
        storage.put("datasets/" + parent + "/validated/clean.jsonl", new byte[0], "application/x-ndjson");
        given().when().post("/datasets/" + parent + "/clean-version")
                .then().statusCode(422).contentType("application/problem+json").body("code", equalTo("CLEAN_SUBSET_EMPTY"));
        given().when().post("/datasets/ds-00000000000000000000000000000000/clean-version")
                .then().statusCode(404).body("code", equalTo("DATASET_NOT_FOUND"));
        given().when().post("/datasets/nope/clean-version")
                .then().statusCode(400).body("code", equalTo("DATASET_ID_INVALID"));
    }
}
