package dev.refinery.ingest.service;

import java.util.List;

/**
 * What became of one submitted example.
 *
 * @param problems why it was refused (empty unless REJECTED)
 * @param warnings what the validator noted on an accepted example (an unknown field left out of training...)
 */
public record ExampleOutcome(String producerId, String idempotencyId, Status status, List<Problem> problems, List<Problem> warnings) {

    public enum Status {
        /** Stored now. */
        ACCEPTED,
        /** Stored before under the same producer and idempotency id, with the same content: a retry, nothing done. */
        DUPLICATE,
        /** Refused: logged in the collection's rejection log and announced on examples-rejected. */
        REJECTED
    }

    /** One reason, in the validator's vocabulary: a stable rule code, the JSON path in the example, a message and a hint. */
    public record Problem(String code, String path, String message, String hint) {
    }
}
