package dev.refinery.validation;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.refinery.kit.storage.ObjectStorage;
import dev.refinery.localstack.LocalStackTestResource;
import dev.refinery.testing.ContractSchemas;
import dev.refinery.testing.TopicProbe;
import dev.refinery.cli.RefineryCli;
import dev.refinery.datasets.split.Split;
import dev.refinery.validation.repository.RunStatus;
import dev.refinery.validation.repository.ValidationRun;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.nullValue;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Whole validations against a real Kafka broker, S3 server and PostgreSQL (deploy/local). */
@QuarkusTest
@WithTestResource(LocalStackTestResource.class)
class DatasetValidationTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Inject
    ObjectStorage storage;

    @Inject
    EntityManager em;

    @ConfigProperty(name = "kafka.bootstrap.servers")
    String kafka;

    private Fixtures fixtures;

    @BeforeEach
    void setUp() {
        fixtures = new Fixtures(storage, kafka);
    }

    @Test
    void badRecordsOnLines3And57And1999AreAllReportedInOnePassAndTheDatasetIsInvalid() throws Exception {
        String id = Fixtures.newDatasetId();
        List<String> lines = new ArrayList<>(Fixtures.goodRecords("bad", 2000));
        lines.set(2, "{\"messages\": [{\"role\": \"user\", \"content\": \"unterminated}");
        lines.set(56, "{\"messages\":[{\"role\":\"user\",\"content\":\"q\"},{\"role\":\"assistant\",\"content\":\"a\"},"
                + "{\"role\":\"bot\",\"content\":\"b\"}]}");
        lines.set(1998, "{\"messages\":[{\"role\":\"user\",\"content\":\"anyone there?\"}]}");
        fixtures.upload(id, lines);

        ConsumerRecord<String, String> event = fixtures.awaitValidated(id);
        ContractSchemas.assertValid("dataset-validated", event.value());
        assertEquals("refinery.dataset-validated.v1", TopicProbe.header(event, "ce_type"));
        assertEquals("/refinery/validation-service", TopicProbe.header(event, "ce_source"));
        assertEquals(id, TopicProbe.header(event, "ce_subject"));
        JsonNode payload = JSON.readTree(event.value());
        assertEquals("INVALID", payload.get("status").asText());
        assertEquals(2000, payload.get("records").asLong());
        assertEquals(1997, payload.get("validRecords").asLong());
        assertEquals(3, payload.get("invalidRecords").asLong());
        assertEquals(3, payload.get("problems").asLong());
        assertFalse(payload.has("splits"), "INVALID events carry no splits: " + event.value());

        given().when().get("/reports/" + id).then().statusCode(200)
                .body("status", equalTo("INVALID"))
                .body("records", equalTo(2000))
                .body("problems", equalTo(3))
                .body("ruleCounts.DATASET_LINE_NOT_JSON", equalTo(1))
                .body("ruleCounts.DATASET_ROLE_UNKNOWN", equalTo(1))
                .body("ruleCounts.DATASET_NO_ASSISTANT_TURN", equalTo(1))
                .body("splits", nullValue());
        given().when().get("/reports/" + id + "/problems").then().statusCode(200)
                .body("total", equalTo(3))
                .body("items.line", contains(3, 57, 1999))
                .body("items.code", contains("DATASET_LINE_NOT_JSON", "DATASET_ROLE_UNKNOWN", "DATASET_NO_ASSISTANT_TURN"))
                .body("items.path", contains("messages[0].content", "messages[2].role", "messages"))
                .body("items[1].message", equalTo("role \"bot\" is not one of \"system\", \"user\", \"assistant\", \"tool\""))
                .body("items[1].hint", equalTo(dev.refinery.datasets.rules.Rule.ROLE_UNKNOWN.hint()));
        given().when().get("/reports/" + id + "/problems?rule=DATASET_ROLE_UNKNOWN").then().statusCode(200)
                .body("rule", equalTo("DATASET_ROLE_UNKNOWN"))
                .body("total", equalTo(1))
                .body("items.line", contains(57));

        JsonNode report = JSON.readTree(storage.read("datasets/" + id + "/validated/report.json"));
        assertFalse(report.get("accepted").asBoolean());
        assertEquals(3, report.get("errors").asLong());
        // The command line, offline, with the service's settings, gives the same report.
        java.nio.file.Path file = java.nio.file.Files.createTempFile("same-report", ".jsonl");
        java.nio.file.Files.write(file, lines);
        java.io.ByteArrayOutputStream cli = new java.io.ByteArrayOutputStream();
        int status = RefineryCli.run(new String[]{"datasets", "check", file.toString(), "--json", "--splits", "80/10/10"},
                new java.io.PrintStream(cli, true, StandardCharsets.UTF_8), System.err);
        assertEquals(1, status, "the command line rejects the file too");
        JsonNode offline = JSON.readTree(cli.toByteArray());
        ((com.fasterxml.jackson.databind.node.ObjectNode) report).remove("duplicates"); // the service also compares with earlier uploads
        ((com.fasterxml.jackson.databind.node.ObjectNode) offline).remove("duplicates");
        assertEquals(offline, report, "refinery datasets check and the service give the same report");
        for (Split s : Split.values()) {
            assertFalse(storage.exists("datasets/" + id + "/validated/" + s.id() + ".jsonl"), "an INVALID dataset is not split");
        }
    }

    @Test
    void aValidDatasetIsSplitAndTheSplitFilesHoldExactlyItsLines() throws Exception {
        String id = Fixtures.newDatasetId();
        List<String> lines = Fixtures.goodRecords("valid", 300);
        lines.set(10, "{\"messages\":[{\"role\":\"user\",\"content\":\"caf\u00e9 \u6771\u4eac \ud83d\ude00\"},{\"role\":\"assistant\",\"content\":\"ok\"}]}  ");
        fixtures.upload(id, lines);

        ConsumerRecord<String, String> event = fixtures.awaitValidated(id);
        ContractSchemas.assertValid("dataset-validated", event.value());
        JsonNode payload = JSON.readTree(event.value());
        assertEquals("VALID", payload.get("status").asText(), event.value());
        assertEquals(300, payload.get("validRecords").asLong());
        assertEquals(0, payload.get("problems").asLong());
        assertEquals("refinery", payload.get("bucket").asText());
        assertEquals("datasets/" + id + "/validated/report.json", payload.get("reportKey").asText());

        Map<Split, List<String>> stored = new EnumMap<>(Split.class);
        long sum = 0;
        List<String> all = new ArrayList<>();
        for (Split s : Split.values()) {
            JsonNode split = payload.get("splits").get(s.id());
            String key = "datasets/" + id + "/validated/" + s.id() + ".jsonl";
            assertEquals(key, split.get("objectKey").asText());
            stored.put(s, fixtures.readLines(key));
            assertEquals(stored.get(s).size(), split.get("records").asLong(), s.id());
            all.addAll(stored.get(s));
            sum += split.get("records").asLong();
        }
        assertEquals(300, sum, "the splits add up to the valid records");
        assertEquals(lines.stream().map(String::strip).sorted().toList(), all.stream().sorted().toList(),
                "the split files hold exactly the valid lines, byte for byte (surrounding blanks aside)");
        assertTrue(stored.get(Split.TRAIN).size() > 200, "about 80% go to train");
        Map<Split, List<String>> expected = stored;

        given().when().get("/reports/" + id).then().statusCode(200)
                .body("status", equalTo("VALID"))
                .body("validRecords", equalTo(300))
                .body("ruleCounts.size()", equalTo(0))
                .body("splits.train.records", equalTo(expected.get(Split.TRAIN).size()))
                .body("splits.validation.objectKey", equalTo("datasets/" + id + "/validated/validation.jsonl"))
                .body("splits.test.records", equalTo(expected.get(Split.TEST).size()));
        JsonNode report = JSON.readTree(storage.read("datasets/" + id + "/validated/report.json"));
        assertTrue(report.get("accepted").asBoolean());
        assertEquals(expected.get(Split.TEST).size(), report.get("splits").get("records").get("test").asLong());
    }

    @Test
    void aSmallValidDatasetStillGetsAllThreeSplitFilesEvenEmptyOnes() {
        List<String> lines = Fixtures.goodRecords("small", 3);
        String id = Fixtures.newDatasetId();
        fixtures.upload(id, lines);

        // Three records are too few for a 10% validation share: all go to train, whatever their hashes (datasets/README.md).
        Fixtures.awaitReport(id).body("status", equalTo("VALID")).body("splits.train.records", equalTo(3))
                .body("splits.validation.records", equalTo(0)).body("splits.test.records", equalTo(0));
        assertEquals(List.of(), fixtures.readLines("datasets/" + id + "/validated/validation.jsonl"), "an empty split still has its file");
        assertEquals(List.of(), fixtures.readLines("datasets/" + id + "/validated/test.jsonl"), "an empty split still has its file");
        assertEquals(lines, fixtures.readLines("datasets/" + id + "/validated/train.jsonl"), "in file order");
    }

    @Test
    void addingRecordsToACopyNeverMovesAnExistingRecordToAnotherSplit() {
        String original = Fixtures.newDatasetId();
        List<String> lines = Fixtures.goodRecords("grow", 200);
        fixtures.upload(original, lines);

        String grown = Fixtures.newDatasetId();
        List<String> more = new ArrayList<>();
        List<String> extra = Fixtures.goodRecords("extra", 150);
        for (int i = 0; i < lines.size(); i++) {
            if (i < extra.size()) {
                more.add(extra.get(i)); // new records between the old ones
            }
            more.add(lines.get(i));
        }
        fixtures.upload(grown, more);

        Fixtures.awaitReport(original).body("status", equalTo("VALID"));
        Fixtures.awaitReport(grown).body("status", equalTo("VALID")).body("validRecords", equalTo(350));
        Map<String, Split> before = splitsOf(original);
        Map<String, Split> after = splitsOf(grown);
        assertEquals(200, before.size());
        assertEquals(350, after.size());
        for (String line : lines) {
            assertEquals(before.get(line), after.get(line), "record kept its split: " + line);
        }
    }

    @Test
    void aRunLeftRunningByACrashIsPickedUpAgain() {
        String id = Fixtures.newDatasetId();
        fixtures.putRaw(Fixtures.rawKey(id), Fixtures.goodRecords("crash", 50));
        // What a worker that died mid-way leaves behind: the run RUNNING, its lease held by a process that stopped renewing it.
        QuarkusTransaction.requiringNew().run(() -> {
            ValidationRun run = new ValidationRun();
            run.datasetId = id;
            run.datasetName = "crashed";
            run.tenant = "default";
            run.sourceBucket = "refinery";
            run.sourceKey = Fixtures.rawKey(id);
            run.status = RunStatus.RUNNING;
            run.attempts = 1;
            OffsetDateTime longAgo = OffsetDateTime.now(ZoneOffset.UTC).minusMinutes(10);
            run.createdAt = longAgo;
            run.startedAt = longAgo;
            run.persist();
            em.createNativeQuery("INSERT INTO work_lease (kind, work_id, state, attempt, holder, held_until, next_at, created_at, updated_at) "
                            + "VALUES ('validation-run', ?1, 'HELD', 1, 'crashed-worker', clock_timestamp() - interval '10 minutes', "
                            + "clock_timestamp(), clock_timestamp(), clock_timestamp())")
                    .setParameter(1, id).executeUpdate();
        });

        Fixtures.awaitReport(id).body("status", equalTo("VALID")).body("attempts", equalTo(2)).body("validRecords", equalTo(50));
        ContractSchemas.assertValid("dataset-validated", fixtures.awaitValidated(id).value());
    }

    @Test
    void aDatasetWhoseFileIsGoneEndsInvalidWithAProblemThatSaysSo() throws Exception {
        String id = Fixtures.newDatasetId();
        fixtures.sendUploaded(id, Fixtures.rawKey(id)); // nothing stored at that key

        ConsumerRecord<String, String> event = fixtures.awaitValidated(id);
        ContractSchemas.assertValid("dataset-validated", event.value());
        assertEquals("INVALID", JSON.readTree(event.value()).get("status").asText());
        given().when().get("/reports/" + id + "/problems").then().statusCode(200)
                .body("items.code", contains("DATASET_UNREADABLE"))
                .body("items[0].line", nullValue());
    }

    private Map<String, Split> splitsOf(String datasetId) {
        Map<String, Split> where = new HashMap<>();
        for (Split s : Split.values()) {
            for (String line : fixtures.readLines("datasets/" + datasetId + "/validated/" + s.id() + ".jsonl")) {
                assertEquals(null, where.put(line, s), "a record is in one split only");
            }
        }
        return where;
    }
}
