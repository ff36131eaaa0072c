package dev.refinery.gateway.messaging;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;

import java.nio.charset.StandardCharsets;

/**
 * The CloudEvents binary-mode envelope of a consumed record ({@code ce_*} headers), the reading half
 * of the service kit's class of the same name (the gateway cannot depend on the kit; see its pom).
 */
record CloudEventHeaders(String id, String type, String subject, String time) {

    /** A record without {@code ce_id} or {@code ce_type} is not a Refinery event: it goes to the dead-letter topic. */
    static CloudEventHeaders of(ConsumerRecord<?, ?> record) {
        String id = get(record, "ce_id");
        String type = get(record, "ce_type");
        if (id == null || type == null) {
            throw new MalformedEventException("record at " + record.topic() + "-" + record.partition() + "@" + record.offset()
                    + " has no CloudEvents ce_id/ce_type headers");
        }
        return new CloudEventHeaders(id, type, get(record, "ce_subject"), get(record, "ce_time"));
    }

    private static String get(ConsumerRecord<?, ?> record, String name) {
        Header h = record.headers().lastHeader(name);
        return h == null || h.value() == null ? null : new String(h.value(), StandardCharsets.UTF_8);
    }
}
