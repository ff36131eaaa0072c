package dev.refinery.localstack;

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

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * What outage tests need of the stack: PostgreSQL and Kafka stopped as an outage would stop them, and started again on
 * the same port with everything they held (rows; topics, records and committed offsets).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class OutageTest {

    private LocalStack stack;

    @BeforeAll
    void start() {
        stack = LocalStack.start();
    }

    @AfterAll
    void stop() {
        if (stack != null) {
            stack.close();
        }
    }

    @Test
    void postgresComesBackOnItsPortWithItsData() throws Exception {
        LocalPostgres pg = stack.postgres();
        try (Connection c = connect(pg); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE outage_probe (id int primary key)");
            s.execute("INSERT INTO outage_probe VALUES (42)");
        }
        pg.suspend();
        assertThrows(SQLException.class, () -> connect(pg).close(), "nobody answers while it is suspended");
        pg.resume();
        try (Connection c = connect(pg); Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT id FROM outage_probe")) {
            rs.next();
            assertEquals(42, rs.getInt(1));
        }
    }

    @Test
    void kafkaComesBackOnItsPortWithItsRecordsAndOffsets() throws Exception {
        LocalKafka kafka = stack.kafka();
        String bootstrap = kafka.bootstrapServers();
        try (KafkaProducer<String, String> producer = producer(bootstrap)) {
            producer.send(new ProducerRecord<>("outage-probe", "k", "before")).get(10, TimeUnit.SECONDS);
        }
        assertEquals(List.of("before"), readAll(bootstrap, "probe-group"));

        kafka.suspend();
        try (KafkaProducer<String, String> producer = producer(bootstrap)) {
            assertThrows(Exception.class, () -> producer.send(new ProducerRecord<>("outage-probe", "k", "lost")).get(5, TimeUnit.SECONDS));
        }
        kafka.resume();
        assertEquals(bootstrap, kafka.bootstrapServers(), "the same address");
        try (KafkaProducer<String, String> producer = producer(bootstrap)) {
            producer.send(new ProducerRecord<>("outage-probe", "k", "after")).get(10, TimeUnit.SECONDS);
        }
        assertEquals(List.of("after"), readAll(bootstrap, "probe-group"), "the group's committed offset survived");
    }

    private static Connection connect(LocalPostgres pg) throws SQLException {
        return DriverManager.getConnection(pg.jdbcUrl() + "?connectTimeout=2", pg.username(), pg.password());
    }

    private static KafkaProducer<String, String> producer(String bootstrap) {
        return new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap, ProducerConfig.MAX_BLOCK_MS_CONFIG, 4000,
                ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 4000, ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 2000),
                new StringSerializer(), new StringSerializer());
    }

    /** What the group has not read yet, committed as read. */
    private static List<String> readAll(String bootstrap, String group) {
        List<String> values = new ArrayList<>();
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ConsumerConfig.GROUP_ID_CONFIG, group, ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false"), new StringDeserializer(), new StringDeserializer())) {
            consumer.subscribe(List.of("outage-probe"));
            long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
            while (System.nanoTime() < deadline) {
                for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(500))) {
                    values.add(r.value());
                }
                if (!values.isEmpty()) {
                    consumer.commitSync();
                    return values;
                }
            }
        }
        return values;
    }
}
