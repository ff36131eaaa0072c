package dev.refinery.testing;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.function.Predicate;

/** Reads a topic of the real broker from the beginning, and writes raw records to it, for service tests. */
public final class TopicProbe {

    private final String bootstrapServers;

    public TopicProbe(String bootstrapServers) {
        this.bootstrapServers = bootstrapServers;
    }

    /** Waits until a record matching {@code match} appears on {@code topic}; fails after {@code timeout}. */
    public ConsumerRecord<String, String> await(String topic, Predicate<ConsumerRecord<String, String>> match, Duration timeout) {
        List<ConsumerRecord<String, String>> found = collect(topic, match, 1, timeout);
        if (found.isEmpty()) {
            throw new AssertionError("no matching record on " + topic + " within " + timeout);
        }
        return found.get(0);
    }

    /** Every matching record seen on {@code topic} during {@code window} (to prove something happened once). */
    public List<ConsumerRecord<String, String>> all(String topic, Predicate<ConsumerRecord<String, String>> match, Duration window) {
        return collect(topic, match, Integer.MAX_VALUE, window);
    }

    private List<ConsumerRecord<String, String>> collect(String topic, Predicate<ConsumerRecord<String, String>> match, int max,
                                                         Duration window) {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        p.put(ConsumerConfig.GROUP_ID_CONFIG, "probe-" + UUID.randomUUID());
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        List<ConsumerRecord<String, String>> out = new ArrayList<>();
        long deadline = System.nanoTime() + window.toNanos();
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(p)) {
            consumer.subscribe(List.of(topic));
            while (System.nanoTime() < deadline && out.size() < max) {
                for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(200))) {
                    if (match.test(r) && out.size() < max) {
                        out.add(r);
                    }
                }
            }
        }
        return out;
    }

    /**
     * Moves a consumer group's committed offsets on {@code topic} to its end, as an operator's reset would: the group skips
     * every record written so far (to lose events on purpose). The group must have no member running.
     */
    public void skipToEnd(String group, String topic) {
        Properties p = new Properties();
        p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        try (Admin admin = Admin.create(p)) {
            Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
            admin.describeTopics(List.of(topic)).allTopicNames().get().get(topic).partitions()
                    .forEach(info -> latest.put(new TopicPartition(topic, info.partition()), OffsetSpec.latest()));
            Map<TopicPartition, OffsetAndMetadata> ends = new HashMap<>();
            admin.listOffsets(latest).all().get().forEach((tp, info) -> ends.put(tp, new OffsetAndMetadata(info.offset())));
            admin.alterConsumerGroupOffsets(group, ends).all().get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while moving " + group + " on " + topic, e);
        } catch (ExecutionException e) {
            throw new IllegalStateException("cannot move " + group + " to the end of " + topic + ": " + e.getCause().getMessage(), e);
        }
    }

    /** Sends a raw record (for poison-message and replay tests); headers as name/value pairs. */
    public void send(String topic, String key, String value, String... headers) {
        sendAt(topic, key, value, null, headers);
    }

    /** The same, with the record's timestamp (its producer's send time) set to {@code timestampMillis} (null: now). */
    public void sendAt(String topic, String key, String value, Long timestampMillis, String... headers) {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(p)) {
            ProducerRecord<String, String> r = new ProducerRecord<>(topic, null, timestampMillis, key, value);
            for (int i = 0; i + 1 < headers.length; i += 2) {
                r.headers().add(headers[i], headers[i + 1].getBytes(StandardCharsets.UTF_8));
            }
            producer.send(r).get();
        } catch (Exception e) {
            throw new AssertionError("could not send to " + topic + ": " + e, e);
        }
    }

    /** A header's value as text, or null. */
    public static String header(ConsumerRecord<?, ?> r, String name) {
        Header h = r.headers().lastHeader(name);
        return h == null ? null : new String(h.value(), StandardCharsets.UTF_8);
    }
}
