package dev.refinery.kit.outbox;

import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.InvalidTopicException;
import org.apache.kafka.common.errors.RecordBatchTooLargeException;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.errors.TopicAuthorizationException;

import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

/** Sends outbox rows with the relay's idempotent producer; tells a refusal for good from a broker that is away. */
final class KafkaEventSender implements EventSender {

    private final OutboxProducer producer;
    private final String serviceName;

    KafkaEventSender(OutboxProducer producer, String serviceName) {
        this.producer = producer;
        this.serviceName = serviceName;
    }

    @Override
    public void send(OutboxRow row, Duration timeout) throws Exception {
        ProducerRecord<String, String> record = producer.record(row, serviceName);
        try {
            producer.get().send(record).get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            throw refusedForGood(e.getCause()) ? new EventRefusedException(e.getCause().toString(), e.getCause()) : e;
        } catch (RecordTooLargeException | SerializationException e) {
            throw new EventRefusedException(e.toString(), e); // thrown by send() itself, before the record leaves
        }
    }

    private static boolean refusedForGood(Throwable cause) {
        return cause instanceof RecordTooLargeException || cause instanceof RecordBatchTooLargeException
                || cause instanceof InvalidTopicException || cause instanceof SerializationException
                || cause instanceof TopicAuthorizationException;
    }
}
