package dev.refinery.kit.events;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;

import java.nio.charset.StandardCharsets;

/**
 * The CloudEvents 1.0 Kafka binary-mode envelope: attributes travel as {@code ce_*} headers and the
 * record value is the JSON payload.
 *
 * @param id      unique event id (consumers de-duplicate on it)
 * @param type    versioned type, e.g. {@code refinery.dataset-uploaded.v1}
 * @param source  producing service, e.g. {@code /refinery/ingest-service}
 * @param subject aggregate id (also the record key)
 * @param time    RFC 3339 timestamp
 */
public record CloudEventHeaders(String id, String type, String source, String subject, String time) {

    public static final String SPEC_VERSION = "ce_specversion";
    public static final String ID = "ce_id";
    public static final String TYPE = "ce_type";
    public static final String SOURCE = "ce_source";
    public static final String SUBJECT = "ce_subject";
    public static final String TIME = "ce_time";
    public static final String CONTENT_TYPE = "content-type";

    /** Writes the envelope into record headers. */
    public void writeTo(Headers headers) {
        put(headers, SPEC_VERSION, "1.0");
        put(headers, ID, id);
        put(headers, TYPE, type);
        put(headers, SOURCE, source);
        put(headers, SUBJECT, subject);
        put(headers, TIME, time);
        put(headers, CONTENT_TYPE, "application/json");
    }

    /**
     * Reads the envelope of a consumed record. A record without {@code ce_id} or {@code ce_type} is not
     * a Refinery event: {@link MalformedEventException} sends it to the dead-letter topic.
     */
    public static CloudEventHeaders of(ConsumerRecord<?, ?> record) {
        String id = get(record.headers(), ID);
        String type = get(record.headers(), TYPE);
        if (id == null || type == null) {
            throw new MalformedEventException("record at " + record.topic() + "-" + record.partition() + "@" + record.offset()
                    + " has no CloudEvents ce_id/ce_type headers");
        }
        return new CloudEventHeaders(id, type, get(record.headers(), SOURCE), get(record.headers(), SUBJECT), get(record.headers(), TIME));
    }

    private static void put(Headers headers, String name, String value) {
        if (value != null) {
            headers.remove(name);
            headers.add(name, value.getBytes(StandardCharsets.UTF_8));
        }
    }

    private static String get(Headers headers, String name) {
        Header h = headers.lastHeader(name);
        return h == null || h.value() == null ? null : new String(h.value(), StandardCharsets.UTF_8);
    }
}
