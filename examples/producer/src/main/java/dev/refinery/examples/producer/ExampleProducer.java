package dev.refinery.examples.producer;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Properties;

/**
 * Sends examples to a Refinery collection on the {@code examples} topic (contracts/schemas/examples.v1.json): one record
 * per example, keyed by the collection id, naming the tenant that owns the collection, this producer, and an idempotency id.
 *
 * <p>The idempotency id must be the same every time the same example is sent, so that a retry (of a send, or of a whole
 * run after a crash) is recognised as a duplicate. Here it is the sha256 of the example's line: sending a file again adds
 * nothing. A producer whose examples have ids of their own (a ticket and reply number) should use those instead.
 *
 * <pre>java -cp ... dev.refinery.examples.producer.ExampleProducer BOOTSTRAP TENANT COLLECTION_ID PRODUCER_ID FILE.jsonl</pre>
 */
public final class ExampleProducer implements AutoCloseable {

    public static final String TOPIC = "examples";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final KafkaProducer<String, String> producer;
    private final String tenant;
    private final String collectionId;
    private final String producerId;

    public ExampleProducer(String bootstrapServers, String tenant, String collectionId, String producerId) {
        Properties config = new Properties();
        config.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        // Nothing acknowledged is lost, and the client's own retries do not write a record twice.
        config.put(ProducerConfig.ACKS_CONFIG, "all");
        config.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        config.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        config.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        this.producer = new KafkaProducer<>(config);
        this.tenant = tenant;
        this.collectionId = collectionId;
        this.producerId = producerId;
    }

    /** The record for one example (a JSON object in any format the validator knows), with its idempotency id. */
    public ProducerRecord<String, String> record(JsonNode example, String idempotencyId) {
        ObjectNode value = JSON.createObjectNode()
                .put("tenant", tenant)
                .put("collectionId", collectionId)
                .put("producerId", producerId)
                .put("idempotencyId", idempotencyId);
        value.set("example", example);
        return new ProducerRecord<>(TOPIC, collectionId, value.toString()); // keyed by collection: its examples stay in order
    }

    /** Sends every line of a JSONL file and waits until the broker has acknowledged all of them; returns how many. */
    public int sendFile(Path jsonl) throws IOException {
        List<String> lines = Files.readAllLines(jsonl, StandardCharsets.UTF_8).stream().filter(l -> !l.isBlank()).toList();
        for (String line : lines) {
            producer.send(record(JSON.readTree(line), sha256(line.strip())), (metadata, error) -> {
                if (error != null) {
                    System.err.println("not sent (send the file again: what arrived is not stored twice): " + error.getMessage());
                }
            });
        }
        producer.flush();
        return lines.size();
    }

    static String sha256(String text) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }

    @Override
    public void close() {
        producer.close();
    }

    public static void main(String[] args) throws IOException {
        if (args.length != 5) {
            System.err.println("usage: ExampleProducer BOOTSTRAP_SERVERS TENANT COLLECTION_ID PRODUCER_ID FILE.jsonl");
            System.exit(2);
        }
        try (ExampleProducer producer = new ExampleProducer(args[0], args[1], args[2], args[3])) {
            int sent = producer.sendFile(Path.of(args[4]));
            System.out.println(sent + " examples sent to collection " + args[2] + "; refused ones are in GET /v1/collections/"
                    + args[2] + "/rejections and on the examples-rejected topic");
        }
    }
}
