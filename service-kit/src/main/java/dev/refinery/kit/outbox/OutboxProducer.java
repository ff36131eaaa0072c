package dev.refinery.kit.outbox;

import dev.refinery.kit.events.CloudEventHeaders;
import io.quarkus.runtime.ShutdownEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.eclipse.microprofile.config.inject.ConfigProperty;

import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Properties;

/**
 * The relay's Kafka producer: idempotent, acks=all, bootstrap servers from configuration
 * ({@code kafka.bootstrap.servers}, env {@code KAFKA_BOOTSTRAP_SERVERS}).
 */
@ApplicationScoped
public class OutboxProducer {

    @ConfigProperty(name = "kafka.bootstrap.servers")
    String bootstrapServers;

    private volatile KafkaProducer<String, String> producer;

    KafkaProducer<String, String> get() {
        KafkaProducer<String, String> p = producer;
        if (p == null) {
            synchronized (this) {
                if (producer == null) {
                    Properties props = new Properties();
                    props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
                    props.put(ProducerConfig.ACKS_CONFIG, "all");
                    props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
                    // Bounded so that one send finishes inside the relay's batch deadline (a broker away is retried by the
                    // relay's next pass, never by holding the batch open).
                    props.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, "8000");
                    props.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, "5000");
                    props.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, "5000");
                    props.put(ProducerConfig.LINGER_MS_CONFIG, "0");
                    props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
                    props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
                    producer = new KafkaProducer<>(props);
                }
                p = producer;
            }
        }
        return p;
    }

    /** The Kafka record of an outbox row: key = aggregate id, CloudEvents binary-mode headers, JSON value. */
    ProducerRecord<String, String> record(OutboxRow e, String serviceName) {
        ProducerRecord<String, String> record = new ProducerRecord<>(e.topic(), e.aggregateId(), e.payload());
        new CloudEventHeaders(e.eventId().toString(), e.ceType(), "/refinery/" + serviceName, e.aggregateId(),
                e.createdAt().withOffsetSameInstant(ZoneOffset.UTC).format(DateTimeFormatter.ISO_OFFSET_DATE_TIME))
                .writeTo(record.headers());
        return record;
    }

    void close(@Observes ShutdownEvent ev) {
        KafkaProducer<String, String> p = producer;
        if (p != null) {
            p.close(java.time.Duration.ofSeconds(5));
        }
    }
}
