package dev.refinery.validation;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.refinery.kit.storage.ObjectStorage;
import dev.refinery.localstack.LocalStackTestResource;
import dev.refinery.testing.ContractSchemas;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItems;
import static org.hamcrest.Matchers.nullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Each dataset is checked with its own options from dataset-uploaded's {@code checks} (the service's
 * configuration only fills what it leaves out), keeps its clean subset, and a clean version is not
 * mistaken for a repeat of its parent. Real Kafka, S3 and PostgreSQL.
 */
@QuarkusTest
@WithTestResource(LocalStackTestResource.class)
class CheckChoicesTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String LLAMA_8B = "meta-llama/Meta-Llama-3.1-8B-Instruct-Reference";

    @Inject
    ObjectStorage storage;

    @ConfigProperty(name = "kafka.bootstrap.servers")
    String kafka;

    private Fixtures fixtures;

    @BeforeEach
    void setUp() {
        fixtures = new Fixtures(storage, kafka);
    }

    @Test
    void eachDatasetIsCheckedWithItsOwnOptionsAndTheDefaultsFillTheRest() throws Exception {
        String chosen = Fixtures.newDatasetId();
        List<String> lines = new ArrayList<>(Fixtures.goodRecords("own", 40));
        lines.add(lines.get(0)); // an exact duplicate: dropped under dedup=exact
        fixtures.upload(chosen, "own-options", lines, "\"checks\":{\"target\":\"together\",\"model\":\"" + LLAMA_8B
                + "\",\"splits\":\"90/10/0\",\"dedup\":\"exact\",\"overContext\":\"drop\",\"epochs\":3}");
        String plain = Fixtures.newDatasetId();
        fixtures.upload(plain, Fixtures.goodRecords("defaults", 40));

        Fixtures.awaitReport(chosen).body("status", equalTo("VALID"))
                .body("checks.target", equalTo("together"))
                .body("checks.model", equalTo(LLAMA_8B))
                .body("checks.splits", equalTo("90/10/0"))
                .body("checks.dedup", equalTo("exact"))
                .body("checks.chosen", hasItems("target", "model", "splits", "dedup", "overContext", "epochs"))
                .body("splits.test.records", equalTo(0));
        JsonNode report = JSON.readTree(storage.read("datasets/" + chosen + "/validated/report.json"));
        assertEquals("together", report.get("target").asText());
        assertEquals(LLAMA_8B, report.get("model").asText());
        assertEquals("90/10/0", report.get("splits").get("ratios").asText());
        assertEquals("drop_exact", report.get("duplicates").get("policy").asText());
        assertEquals(1, report.get("duplicates").get("removed").asLong());
        assertEquals("drop", report.get("tokens").get("overContextPolicy").asText());
        assertEquals(3, report.get("cost").get("epochs").asInt(), "the cost assumes the uploader's epochs");

        Fixtures.awaitReport(plain).body("status", equalTo("VALID"))
                .body("checks.target", equalTo("local"))
                .body("checks.model", equalTo("stories260K"))
                .body("checks.splits", equalTo("80/10/10"))
                .body("checks.chosen.size()", equalTo(0));
        JsonNode defaults = JSON.readTree(storage.read("datasets/" + plain + "/validated/report.json"));
        assertEquals("local", defaults.get("target").asText(), "another dataset keeps the service's defaults");
        assertEquals("80/10/10", defaults.get("splits").get("ratios").asText());
    }

    @Test
    void theCleanSubsetHoldsEveryKeptRecordInFileOrderEvenWhenTheDatasetIsInvalid() throws Exception {
        String id = Fixtures.newDatasetId();
        List<String> lines = new ArrayList<>(Fixtures.goodRecords("clean", 30));
        lines.set(4, "{\"messages\": [broken");
        lines.set(20, "{\"messages\":[{\"role\":\"user\",\"content\":\"no answer\"}]}");
        fixtures.upload(id, lines);

        Fixtures.awaitReport(id).body("status", equalTo("INVALID"))
                .body("cleanKey", equalTo("datasets/" + id + "/validated/clean.jsonl"));
        List<String> expected = new ArrayList<>(lines);
        expected.remove(20);
        expected.remove(4);
        assertEquals(expected, fixtures.readLines("datasets/" + id + "/validated/clean.jsonl"),
                "only the valid records, byte for byte, in file order");
    }

    @Test
    void aFixedTestSetIsTheTestSplitLeaksAreReportedAndItIsNotPartOfTheCleanSubset() throws Exception {
        String testSet = Fixtures.newDatasetId();
        List<String> held = Fixtures.goodRecords("held-out", 12);
        fixtures.putRaw(Fixtures.rawKey(testSet), held);
        String id = Fixtures.newDatasetId();
        List<String> lines = new ArrayList<>(Fixtures.goodRecords("train-side", 50));
        lines.add(held.get(3)); // a test record inside the training file: a leak
        String collection = "col-" + UUID.randomUUID().toString().replace("-", ""); // a collection's later version has one
        fixtures.upload(id, "with-test-set", lines, "\"collectionId\":\"" + collection + "\",\"checks\":{\"dedup\":\"exact\","
                + "\"testSet\":{\"datasetId\":\"" + testSet + "\",\"bucket\":\"refinery\",\"objectKey\":\"" + Fixtures.rawKey(testSet) + "\"}}");

        Fixtures.awaitReport(id).body("status", equalTo("VALID"))
                .body("checks.testSet", equalTo(testSet))
                .body("checks.splits", equalTo("90/10/0"))
                .body("splits.test.records", equalTo(12));
        assertEquals(held, fixtures.readLines("datasets/" + id + "/validated/test.jsonl"), "the test split is the test set");
        assertEquals(collection, JSON.readTree(fixtures.awaitValidated(id).value()).get("collectionId").asText(),
                "the collection passed on to dataset-validated");
        JsonNode report = JSON.readTree(storage.read("datasets/" + id + "/validated/report.json"));
        assertTrue(report.get("splits").get("fixedTestSet").asBoolean());
        assertEquals(1, report.get("duplicates").get("heldOutLeaks").asLong());
        List<String> clean = fixtures.readLines("datasets/" + id + "/validated/clean.jsonl");
        assertEquals(lines.subList(0, 50), clean, "the clean subset is this file's kept records: no test set record, no leak");
    }

    @Test
    void optionsThisServiceCannotUseFailTheRunAtOnceWithTheReason() {
        String id = Fixtures.newDatasetId();
        fixtures.upload(id, "unknown-model", Fixtures.goodRecords("x", 5), "\"checks\":{\"target\":\"together\",\"model\":\"no-such-model\"}");
        Fixtures.awaitReport(id).body("status", equalTo("FAILED"))
                .body("attempts", equalTo(1))
                .body("lastError", containsString("checks.model"))
                .body("lastError", containsString("no-such-model"));
    }

    @Test
    void theGoldenSamplesWithChecksAndWithAParentAreConsumed() throws Exception {
        String sample = ContractSchemas.sample("dataset-uploaded-checks");
        JsonNode event = JSON.readTree(sample);
        String id = event.get("datasetId").asText();
        fixtures.putRaw(event.get("objectKey").asText(), Fixtures.goodRecords("golden-checks", 20));
        fixtures.sendUploaded(id, sample, UUID.randomUUID().toString());
        // The sample's test set file is not in the bucket: the run fails at once and says so.
        Fixtures.awaitReport(id).body("status", equalTo("FAILED"))
                .body("checks.target", equalTo("together"))
                .body("checks.testSet", equalTo(event.get("checks").get("testSet").get("datasetId").asText()))
                .body("lastError", containsString("checks.testSet"));

        String child = ContractSchemas.sample("dataset-uploaded-clean-version");
        JsonNode childEvent = JSON.readTree(child);
        String childId = childEvent.get("datasetId").asText();
        fixtures.putRaw(childEvent.get("objectKey").asText(), Fixtures.goodRecords("golden-child", 20));
        fixtures.sendUploaded(childId, child, UUID.randomUUID().toString());
        Fixtures.awaitReport(childId).body("status", equalTo("VALID"))
                .body("parentDatasetId", equalTo(childEvent.get("parentDatasetId").asText()))
                .body("checks.splits", equalTo("80/10/10"));
    }

    @Test
    void aCleanVersionIsNotADuplicateOfItsParent() throws Exception {
        String parent = Fixtures.newDatasetId();
        List<String> lines = Fixtures.goodRecords("family", 20);
        fixtures.upload(parent, "family", lines, null);
        Fixtures.awaitReport(parent).body("status", equalTo("VALID"));
        String child = Fixtures.newDatasetId();
        fixtures.upload(child, "family", lines, "\"parentDatasetId\":\"" + parent + "\"");
        Fixtures.awaitReport(child).body("status", equalTo("VALID"))
                .body("parentDatasetId", equalTo(parent))
                .body("ruleCounts.DATASET_DUPLICATE_OF_EARLIER_VERSION", nullValue());
        String nextVersion = Fixtures.newDatasetId();
        fixtures.upload(nextVersion, "family", lines, null);
        Fixtures.awaitReport(nextVersion).body("status", equalTo("VALID"));
        JsonNode report = JSON.readTree(storage.read("datasets/" + nextVersion + "/validated/report.json"));
        assertFalse(report.get("duplicates").get("earlierVersions").isEmpty(), "a real next version is still compared with the earlier ones");
    }
}
