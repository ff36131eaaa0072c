package dev.refinery.localstack;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.minio.BucketExistsArgs;
import io.minio.GetObjectArgs;
import io.minio.MinioClient;
import io.minio.PutObjectArgs;
import io.minio.errors.ErrorResponseException;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The whole stack, started once through the Quarkus test resource, used with the clients the
 * services use: a Kafka record, an S3 object and a PostgreSQL row each make a round trip.
 * After stopping it, nothing must still listen and no data may remain.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class LocalStackTest {

    private final LocalStackTestResource resource = new LocalStackTestResource();
    private Map<String, String> config;
    private Path runDirectory;

    @BeforeAll
    void startStack() {
        config = resource.start();
        runDirectory = resource.stack().runDirectory();
        System.out.println(resource.stack().startupReport());
    }

    @AfterAll
    void stopStackAndCheckNothingIsLeft() {
        if (config == null) {
            resource.stop();
            return;
        }
        List<Integer> ports = List.of(port(config.get("kafka.bootstrap.servers")),
                URI.create(config.get("refinery.s3.endpoint")).getPort(),
                URI.create(config.get("quarkus.datasource.jdbc.url").substring("jdbc:".length())).getPort());
        resource.stop();
        for (int port : ports) {
            assertFalse(listens(port), "still listening on " + port + " after stop");
        }
        for (String component : List.of("kafka", "s3proxy", "postgres")) {
            assertFalse(Files.exists(runDirectory.resolve(component)), component + " data left behind");
            assertTrue(Files.exists(runDirectory.resolve(component + ".log")), component + " log missing");
        }
    }

    @Test
    void configurationNamesTheQuarkusProperties() {
        assertEquals(List.of("kafka.bootstrap.servers", "quarkus.datasource.jdbc.url", "quarkus.datasource.username",
                "quarkus.datasource.password", "refinery.s3.endpoint", "refinery.s3.access-key",
                "refinery.s3.secret-key", "refinery.s3.bucket", "refinery.identity.signing-key", "refinery.auth.bootstrap-key"),
                List.copyOf(config.keySet()));
        assertEquals("refinery", config.get("refinery.s3.bucket"));
        // Secrets of this stack only: long enough to sign with, and an admin key in the gateway's format.
        assertTrue(config.get("refinery.identity.signing-key").matches("[A-Za-z0-9]{48}"));
        assertTrue(config.get("refinery.auth.bootstrap-key").matches("rfy_[A-Za-z0-9]{8}_[A-Za-z0-9]{32}"));
    }

    @Test
    void kafkaRecordMakesARoundTripThroughTheBroker() {
        String topic = "local-stack-round-trip";
        Properties producerConfig = new Properties();
        producerConfig.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, config.get("kafka.bootstrap.servers"));
        producerConfig.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        producerConfig.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(producerConfig)) {
            producer.send(new ProducerRecord<>(topic, "job-42", "{\"status\":\"done\"}")).get();
        } catch (Exception e) {
            throw new AssertionError("cannot produce to " + topic, e);
        }

        Properties consumerConfig = new Properties();
        consumerConfig.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, config.get("kafka.bootstrap.servers"));
        consumerConfig.put(ConsumerConfig.GROUP_ID_CONFIG, "local-stack-test");
        consumerConfig.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        consumerConfig.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        consumerConfig.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        List<ConsumerRecord<String, String>> received = new ArrayList<>();
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(consumerConfig)) {
            consumer.subscribe(List.of(topic));
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (received.isEmpty() && System.nanoTime() < deadline) {
                consumer.poll(Duration.ofMillis(500)).forEach(received::add);
            }
        }
        assertEquals(1, received.size(), "records consumed from " + topic);
        assertEquals("job-42", received.get(0).key());
        assertEquals("{\"status\":\"done\"}", received.get(0).value());
    }

    @Test
    void s3ObjectMakesARoundTripThroughS3Proxy() throws Exception {
        String bucket = config.get("refinery.s3.bucket");
        byte[] content = "line 1\nline 2\n".getBytes(StandardCharsets.UTF_8);
        try (MinioClient s3 = s3Client(config.get("refinery.s3.secret-key"))) {
            assertTrue(s3.bucketExists(BucketExistsArgs.builder().bucket(bucket).build()), "bucket created at start");
            s3.putObject(PutObjectArgs.builder().bucket(bucket).object("datasets/d-1/train.jsonl")
                    .stream(new ByteArrayInputStream(content), content.length, -1).build());
            try (InputStream in = s3.getObject(GetObjectArgs.builder().bucket(bucket).object("datasets/d-1/train.jsonl").build())) {
                assertEquals(new String(content, StandardCharsets.UTF_8), new String(in.readAllBytes(), StandardCharsets.UTF_8));
            }
        }
    }

    @Test
    void s3RejectsAWrongSecretKey() throws Exception {
        try (MinioClient s3 = s3Client("not-the-secret")) {
            ErrorResponseException rejected = assertThrows(ErrorResponseException.class,
                    () -> s3.bucketExists(BucketExistsArgs.builder().bucket(config.get("refinery.s3.bucket")).build()));
            assertEquals(403, rejected.response().code());
        }
    }

    @Test
    void postgresRowMakesARoundTrip() throws Exception {
        try (Connection db = DriverManager.getConnection(config.get("quarkus.datasource.jdbc.url"),
                config.get("quarkus.datasource.username"), config.get("quarkus.datasource.password"));
             Statement sql = db.createStatement()) {
            sql.execute("CREATE SCHEMA catalog");
            sql.execute("CREATE TABLE catalog.dataset (id TEXT PRIMARY KEY, lines INT NOT NULL)");
            sql.execute("INSERT INTO catalog.dataset VALUES ('d-1', 2)");
            try (ResultSet rows = sql.executeQuery("SELECT id, lines, current_user, version() FROM catalog.dataset")) {
                assertTrue(rows.next());
                assertEquals("d-1", rows.getString(1));
                assertEquals(2, rows.getInt(2));
                assertEquals("refinery", rows.getString(3));
                System.out.println("PostgreSQL: " + rows.getString(4));
            }
        }
    }

    private MinioClient s3Client(String secretKey) {
        return MinioClient.builder()
                .endpoint(config.get("refinery.s3.endpoint"))
                .credentials(config.get("refinery.s3.access-key"), secretKey)
                .region("us-east-1")
                .build();
    }

    private static int port(String hostAndPort) {
        return Integer.parseInt(hostAndPort.substring(hostAndPort.lastIndexOf(':') + 1));
    }

    @Test
    void kafkaS3AndPostgresListenOnThisMachineOnly() throws Exception {
        java.net.InetAddress outside = java.util.Collections.list(java.net.NetworkInterface.getNetworkInterfaces()).stream()
                .filter(i -> { try { return i.isUp() && !i.isLoopback(); } catch (java.net.SocketException e) { return false; } })
                .flatMap(i -> java.util.Collections.list(i.getInetAddresses()).stream())
                .filter(a -> a instanceof java.net.Inet4Address && !a.isLoopbackAddress())
                .findFirst().orElse(null);
        org.junit.jupiter.api.Assumptions.assumeTrue(outside != null, "this machine has no address besides loopback to try");
        List<Integer> ports = List.of(URI.create("tcp://" + config.get("kafka.bootstrap.servers")).getPort(),
                URI.create(config.get("refinery.s3.endpoint")).getPort(),
                URI.create(config.get("quarkus.datasource.jdbc.url").substring("jdbc:".length())).getPort());
        for (int port : ports) {
            assertTrue(listens(port), "listens on 127.0.0.1:" + port);
            assertFalse(listens(outside, port), "reachable from outside at " + outside.getHostAddress() + ":" + port);
        }
    }

    private static boolean listens(int port) {
        return listens(java.net.InetAddress.getLoopbackAddress(), port);
    }

    private static boolean listens(java.net.InetAddress address, int port) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(address, port), 500);
            return true;
        } catch (IOException e) {
            return false;
        }
    }
}
