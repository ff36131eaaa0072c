package dev.refinery.ingest.rest;

import java.time.OffsetDateTime;
import java.util.List;

/** One entry of a collection's rejection log: who sent which example, how, when, and every reason it was refused. */
public record RejectionView(long id, String producerId, String idempotencyId, String via, OffsetDateTime receivedAt,
                            List<ExampleProblemView> problems) {
}
