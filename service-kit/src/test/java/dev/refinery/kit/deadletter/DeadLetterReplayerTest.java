package dev.refinery.kit.deadletter;

import dev.refinery.localstack.LocalKafka;
import dev.refinery.localstack.RunDirectory;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

/** Replays on a real broker: what goes back, with which key and headers, how far, and never twice. */
class DeadLetterReplayerTest {

    private static LocalKafka kafka;

    @BeforeAll
    static void broker() {
        kafka = new LocalKafka(RunDirectory.create());
        kafka.start();
    }

    @AfterAll
    static void stop() {
        kafka.close();
    }

    @Test
    void deadLettersGoBackWithTheirKeyAndEnvelopeWithoutTheDeadLetterHeadersOnce() throws Exception {
        DeadLetterRoute route = route();
        deadLetter(route, "ds-1", "{\"n\":1}", "ce-1");
        deadLetter(route, "ds-2", "{\"n\":2}", "ce-2");
        DeadLetterReplayer replayer = new DeadLetterReplayer(kafka.bootstrapServers(), "replay-" + UUID.randomUUID());

        assertEquals(2, replayer.replay(route, 100));

        List<ConsumerRecord<String, String>> back = read(route.topic(), 2);
        assertEquals(List.of("ds-1", "ds-2"), back.stream().map(ConsumerRecord::key).toList());
        assertEquals(List.of("{\"n\":1}", "{\"n\":2}"), back.stream().map(ConsumerRecord::value).toList());
        ConsumerRecord<String, String> first = back.get(0);
        assertEquals("ce-1", header(first, "ce_id"));
        assertEquals("refinery.test.v1", header(first, "ce_type"));
        assertNull(header(first, "dead-letter-reason"));
        assertNull(header(first, "dead-letter-topic"));
        assertEquals(0, replayer.replay(route, 100), "a dead letter is replayed once");

        deadLetter(route, "ds-3", "{\"n\":3}", "ce-3");
        assertEquals(1, replayer.replay(route, 100), "only what arrived since");
    }

    @Test
    void aLimitReplaysTheOldestAndLeavesTheRestForTheNextCall() throws Exception {
        DeadLetterRoute route = route();
        for (int i = 1; i <= 5; i++) {
            deadLetter(route, "k", "{\"n\":" + i + "}", "ce-" + i);
        }
        DeadLetterReplayer replayer = new DeadLetterReplayer(kafka.bootstrapServers(), "replay-" + UUID.randomUUID());

        assertEquals(2, replayer.replay(route, 2));
        assertEquals(3, replayer.replay(route, 100));
        assertEquals(List.of("{\"n\":1}", "{\"n\":2}", "{\"n\":3}", "{\"n\":4}", "{\"n\":5}"),
                read(route.topic(), 5).stream().map(ConsumerRecord::value).toList(), "in their order, none twice, none lost");
    }

    @Test
    void aTopicThatNeverHadADeadLetterReplaysNothing() throws Exception {
        assertEquals(0, new DeadLetterReplayer(kafka.bootstrapServers(), "replay-" + UUID.randomUUID()).replay(route(), 10));
    }

    private static DeadLetterRoute route() {
        String topic = "t-" + UUID.randomUUID();
        return new DeadLetterRoute(topic, topic + ".dlq");
    }

    /** What SmallRye's dead-letter strategy writes: the original record plus its dead-letter-* headers. */
    private static void deadLetter(DeadLetterRoute route, String key, String value, String ceId) throws Exception {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(p)) {
            ProducerRecord<String, String> r = new ProducerRecord<>(route.deadLetterTopic(), key, value);
            r.headers().add("ce_id", ceId.getBytes(StandardCharsets.UTF_8));
            r.headers().add("ce_type", "refinery.test.v1".getBytes(StandardCharsets.UTF_8));
            r.headers().add("dead-letter-reason", "its effect failed".getBytes(StandardCharsets.UTF_8));
            r.headers().add("dead-letter-topic", route.topic().getBytes(StandardCharsets.UTF_8));
            producer.send(r).get();
        }
    }

    private static List<ConsumerRecord<String, String>> read(String topic, int expected) {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        List<ConsumerRecord<String, String>> out = new ArrayList<>();
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(p)) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic).stream().map(i -> new TopicPartition(topic, i.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
            while (System.nanoTime() < deadline) {
                consumer.poll(Duration.ofMillis(200)).forEach(out::add);
                if (out.size() >= expected) {
                    consumer.poll(Duration.ofMillis(500)).forEach(out::add); // and nothing more
                    return out;
                }
            }
        }
        throw new AssertionError("expected " + expected + " records on " + topic + ", read " + out.size());
    }

    private static String header(ConsumerRecord<?, ?> r, String name) {
        Header h = r.headers().lastHeader(name);
        return h == null ? null : new String(h.value(), StandardCharsets.UTF_8);
    }
}
