package dev.refinery.ingest.events;

import java.time.OffsetDateTime;
import java.util.List;

/**
 * Payload of {@code examples-rejected} v1 (contracts/schemas/examples-rejected.v1.json): a producer's example was refused,
 * with the validator's reasons. Record key = collectionId. Bounded: at most {@link #MAX_PROBLEMS} problems, texts cut, the
 * example itself never included (its sha256 names it), so no event can outgrow the broker's limit.
 *
 * @param tenant the collection's tenant; for an unknown collection, the tenant the record named
 * @param via    kafka or http
 */
public record ExampleRejected(String tenant, String collectionId, String producerId, String idempotencyId, String sha256, String via,
                              OffsetDateTime rejectedAt, List<Problem> problems) {

    public static final String TOPIC = "examples-rejected";
    public static final int MAX_PROBLEMS = 20;

    public record Problem(String code, String path, String message, String hint) {
    }
}
