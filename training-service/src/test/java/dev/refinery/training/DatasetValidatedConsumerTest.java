package dev.refinery.training;

import dev.refinery.kit.storage.ObjectStorage;
import dev.refinery.localstack.LocalStackTestResource;
import dev.refinery.testing.ContractSchemas;
import dev.refinery.testing.TopicProbe;
import dev.refinery.training.repository.Dataset;
import io.quarkus.narayana.jta.QuarkusTransaction;
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

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The dataset read model, fed through the real broker. */
@QuarkusTest
@WithTestResource(LocalStackTestResource.class)
class DatasetValidatedConsumerTest {

    @Inject
    ObjectStorage storage;

    @ConfigProperty(name = "kafka.bootstrap.servers")
    String kafka;

    private TestStack stack;

    @BeforeEach
    void connect() {
        stack = new TestStack(kafka, storage);
    }

    @Test
    void theGoldenSamplesAreRecordedWithTheirVerdictAndSplits() {
        stack.send("dataset-validated", "ds-5f0c1b2a9d8e4f7a8b6c3d2e1f0a9b8c", ContractSchemas.sample("dataset-validated"));
        stack.send("dataset-validated", "ds-0a1b2c3d4e5f60718293a4b5c6d7e8f9", ContractSchemas.sample("dataset-validated-invalid"));

        Dataset valid = TestStack.awaitDataset("ds-5f0c1b2a9d8e4f7a8b6c3d2e1f0a9b8c");
        assertEquals("VALID", valid.status);
        assertEquals("datasets/ds-5f0c1b2a9d8e4f7a8b6c3d2e1f0a9b8c/validated/train.jsonl", valid.trainKey);
        assertEquals(216L, valid.trainRecords);
        assertEquals("datasets/ds-5f0c1b2a9d8e4f7a8b6c3d2e1f0a9b8c/validated/validation.jsonl", valid.validationKey);
        assertEquals(27L, valid.validationRecords);
        assertEquals(27L, valid.testRecords);
        assertEquals(270L, valid.records);

        Dataset invalid = TestStack.awaitDataset("ds-0a1b2c3d4e5f60718293a4b5c6d7e8f9");
        assertEquals("INVALID", invalid.status);
        assertNull(invalid.trainKey, "an INVALID dataset has no splits");
        assertEquals(5L, invalid.records);
    }

    @Test
    void aRepeatedEventIdIsAppliedOnce() {
        String id = TestStack.newDatasetId();
        String valid = ContractSchemas.sample("dataset-validated").replace("ds-5f0c1b2a9d8e4f7a8b6c3d2e1f0a9b8c", id);
        String ceId = UUID.randomUUID().toString();
        stack.send("dataset-validated", id, valid, ceId);
        TestStack.awaitDataset(id);
        // The same event id again, with a payload that would change the row if it were applied.
        stack.send("dataset-validated", id, valid.replace("\"VALID\"", "\"INVALID\""), ceId);
        // A later event on the same partition: once it is applied, the repeat before it was handled too.
        String marker = TestStack.newDatasetId();
        stack.send("dataset-validated", marker, ContractSchemas.sample("dataset-validated-invalid").replace("ds-0a1b2c3d4e5f60718293a4b5c6d7e8f9", marker));
        TestStack.awaitDataset(marker);

        Dataset d = QuarkusTransaction.requiringNew().call(() -> Dataset.<Dataset>findById(id));
        assertEquals("VALID", d.status, "the repeated event id was skipped");
    }

    @Test
    void poisonMessagesGoToTheDeadLetterTopicAndConsumptionGoesOn() {
        String noHeaders = "poison-" + UUID.randomUUID();
        stack.probe().send("dataset-validated", noHeaders, "{\"datasetId\": \"whatever\"}");
        String notJson = "poison-" + UUID.randomUUID();
        stack.send("dataset-validated", notJson, "this is not json");
        String badStatus = TestStack.newDatasetId();
        stack.send("dataset-validated", badStatus, "{\"datasetId\": \"" + badStatus + "\", \"status\": \"MAYBE\"}");
        String after = stack.invalidDataset();

        List<ConsumerRecord<String, String>> dead = stack.probe().all("dataset-validated.dlq",
                r -> List.of(noHeaders, notJson, badStatus).contains(r.key()), Duration.ofSeconds(5));
        assertEquals(3, dead.size(), "each poison record is dead-lettered once: " + dead);
        assertTrue(dead.stream().anyMatch(r -> TopicProbe.header(r, "dead-letter-reason") != null), "the reason travels along");
        assertEquals("INVALID", TestStack.awaitDataset(after).status, "the event after the poison was consumed");
        assertNull(QuarkusTransaction.requiringNew().call(() -> Dataset.findById(badStatus)), "nothing recorded for the poison");
    }
}
