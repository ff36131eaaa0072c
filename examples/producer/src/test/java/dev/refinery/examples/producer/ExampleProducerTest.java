package dev.refinery.examples.producer;

import dev.refinery.localstack.LocalStackTestResource;
import dev.refinery.testing.ContractSchemas;
import dev.refinery.testing.TopicProbe;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The example producer against a real broker (deploy/local): what it writes is the contract's record, keyed by collection. */
class ExampleProducerTest {

    private static final LocalStackTestResource STACK = new LocalStackTestResource();
    private static String kafka;

    @BeforeAll
    static void start() {
        kafka = STACK.start().get("kafka.bootstrap.servers");
    }

    @AfterAll
    static void stop() {
        STACK.stop();
    }

    @Test
    void everyLineOfTheFileBecomesOneContractRecordWithAStableIdempotencyId() throws Exception {
        String collection = "col-" + UUID.randomUUID().toString().replace("-", "");
        Path file = Files.createTempFile("examples", ".jsonl");
        String first = "{\"messages\":[{\"role\":\"user\",\"content\":\"hi\"},{\"role\":\"assistant\",\"content\":\"hello\"}]}";
        Files.writeString(file, first + "\n\n{\"prompt\":\"2+2?\",\"completion\":\"4\"}\n");
        try (ExampleProducer producer = new ExampleProducer(kafka, "team-a", collection, "crm-export")) {
            assertEquals(2, producer.sendFile(file));
        }
        List<ConsumerRecord<String, String>> records = new TopicProbe(kafka).all(ExampleProducer.TOPIC, r -> collection.equals(r.key()),
                Duration.ofSeconds(10));
        assertEquals(2, records.size());
        for (ConsumerRecord<String, String> r : records) {
            ContractSchemas.assertValid("examples", r.value());
        }
        assertEquals(true, records.get(0).value().contains("\"idempotencyId\":\"" + ExampleProducer.sha256(first) + "\""),
                "the same line always gets the same idempotency id: " + records.get(0).value());
    }
}
