package dev.refinery.kit.deadletter;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Puts dead letters back on the topic they came from, after the fault that sent them there was fixed. Each record is
 * re-published byte for byte with its key (so it lands in its aggregate's partition and order) and its headers, the
 * CloudEvents envelope included, minus the {@code dead-letter-*} headers the dead-letter strategy added. The dead-letter
 * topic is read with a consumer group of its own, whose offsets are committed only once the broker has acknowledged
 * every re-published record: a replay that fails half-way re-publishes those records again next time, and the
 * consumers' inboxes drop what they already applied (same {@code ce_id}).
 *
 * <p>A replay reads up to the end the dead-letter topic had when it started: a record that fails again goes back to the
 * dead-letter topic behind that end and waits for the next replay, never looping within one.
 */
public final class DeadLetterReplayer {

    /** Headers SmallRye's dead-letter strategy adds (reason, cause, original topic, partition, offset...). */
    static final String DEAD_LETTER_HEADER_PREFIX = "dead-letter-";
    private static final Duration CALL_TIMEOUT = Duration.ofSeconds(10);
    private static final Duration POLL = Duration.ofMillis(500);
    /** A replay answers within this, however many records it was asked for; the rest waits for the next call. */
    private static final Duration REPLAY_DEADLINE = Duration.ofSeconds(60);

    private final String bootstrapServers;
    private final String groupId;

    /** @param groupId the replay's own consumer group (never a consumer's: its offsets on the topic stay untouched) */
    public DeadLetterReplayer(String bootstrapServers, String groupId) {
        this.bootstrapServers = bootstrapServers;
        this.groupId = groupId;
    }

    /** Re-publishes up to {@code limit} dead letters of {@code route} not replayed before, oldest first; returns how many. */
    public int replay(DeadLetterRoute route, int limit) throws ReplayFailedException {
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(consumerConfig());
             KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(producerConfig())) {
            List<PartitionInfo> infos = consumer.partitionsFor(route.deadLetterTopic(), CALL_TIMEOUT);
            if (infos == null || infos.isEmpty()) {
                return 0; // nothing was ever dead-lettered
            }
            List<TopicPartition> partitions = infos.stream().map(p -> new TopicPartition(p.topic(), p.partition())).toList();
            consumer.assign(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions, CALL_TIMEOUT);
            Map<TopicPartition, OffsetAndMetadata> committed = consumer.committed(new HashSet<>(partitions), CALL_TIMEOUT);
            for (TopicPartition tp : partitions) {
                OffsetAndMetadata c = committed.get(tp);
                if (c != null) {
                    consumer.seek(tp, c.offset());
                } else {
                    consumer.seekToBeginning(List.of(tp));
                }
            }
            Map<TopicPartition, OffsetAndMetadata> replayedUpTo = new LinkedHashMap<>();
            List<Future<RecordMetadata>> sends = new ArrayList<>();
            long deadline = System.nanoTime() + REPLAY_DEADLINE.toNanos();
            while (sends.size() < limit && !caughtUp(consumer, partitions, end) && System.nanoTime() < deadline) {
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(POLL)) {
                    TopicPartition tp = new TopicPartition(r.topic(), r.partition());
                    if (sends.size() >= limit || r.offset() >= end.get(tp)) {
                        continue; // past what this replay takes: read again next time from the committed offset
                    }
                    sends.add(producer.send(new ProducerRecord<>(route.topic(), null, r.key(), r.value(), withoutDeadLetterHeaders(r.headers()))));
                    replayedUpTo.put(tp, new OffsetAndMetadata(r.offset() + 1));
                }
            }
            producer.flush();
            for (Future<RecordMetadata> send : sends) {
                send.get(CALL_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            }
            if (!replayedUpTo.isEmpty()) {
                consumer.commitSync(replayedUpTo, CALL_TIMEOUT);
            }
            return sends.size();
        } catch (ExecutionException e) {
            throw new ReplayFailedException("the broker refused a re-published record of " + route.deadLetterTopic() + ": " + e.getCause(), e);
        } catch (TimeoutException | org.apache.kafka.common.KafkaException e) {
            throw new ReplayFailedException("cannot replay " + route.deadLetterTopic() + ": " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ReplayFailedException("interrupted while replaying " + route.deadLetterTopic(), e);
        }
    }

    private static boolean caughtUp(KafkaConsumer<?, ?> consumer, List<TopicPartition> partitions, Map<TopicPartition, Long> end) {
        for (TopicPartition tp : partitions) {
            if (consumer.position(tp, CALL_TIMEOUT) < end.get(tp)) {
                return false;
            }
        }
        return true;
    }

    static RecordHeaders withoutDeadLetterHeaders(Iterable<Header> headers) {
        RecordHeaders kept = new RecordHeaders();
        for (Header h : headers) {
            if (!h.key().startsWith(DEAD_LETTER_HEADER_PREFIX)) {
                kept.add(h);
            }
        }
        return kept;
    }

    private Properties consumerConfig() {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        p.put(ConsumerConfig.GROUP_ID_CONFIG, groupId);
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        p.put(ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, "false"); // asking about a dead-letter topic must not create it
        p.put(ConsumerConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) CALL_TIMEOUT.toMillis());
        p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        return p;
    }

    private Properties producerConfig() {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        p.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, (int) CALL_TIMEOUT.toMillis());
        p.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) CALL_TIMEOUT.toMillis());
        p.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, (int) CALL_TIMEOUT.toMillis() + 5000);
        p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        return p;
    }

    /** The replay could not finish (broker away, a record refused): nothing was committed, so it can simply be asked again. */
    public static final class ReplayFailedException extends Exception {
        ReplayFailedException(String message, Throwable cause) {
            super(message, cause);
        }
    }
}
