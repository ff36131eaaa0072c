package dev.refinery.ingest.service;

/**
 * One example as a producer sent it, whichever way it came (Kafka or HTTP).
 *
 * @param producerId    who sent it; with the idempotency id, the key that makes a retry find its first copy
 * @param idempotencyId the producer's own id of the example, the same on every retry of it
 * @param example       the example's bytes as written
 */
public record ExampleSubmission(String producerId, String idempotencyId, byte[] example) {
}
