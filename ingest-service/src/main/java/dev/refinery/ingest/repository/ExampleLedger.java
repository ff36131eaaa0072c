package dev.refinery.ingest.repository;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.transaction.Transactional;

import java.time.OffsetDateTime;
import java.util.Optional;

/**
 * Writes a collection's examples and rejections exactly once. The tables' unique keys decide, with
 * {@code INSERT ... ON CONFLICT DO NOTHING}: two replicas, a redelivered Kafka record and a producer's retry all meet
 * the same row, and none of them fails or waits on an exception to find out.
 */
@ApplicationScoped
public class ExampleLedger {

    @Inject
    EntityManager em;

    /** A valid example as one JSONL line, with the sha256 of that line and its format. */
    public record StoredExample(String collectionId, String producerId, String idempotencyId, String line, String sha256,
                                String format, String via, OffsetDateTime receivedAt) {
    }

    /**
     * Stores {@code example} unless its (collection, producer, idempotency id) is taken. Empty when this call stored it;
     * else the sha256 of the example stored first under that key (the same one: a retry; another: the id was reused).
     */
    @Transactional(Transactional.TxType.MANDATORY)
    public Optional<String> storeOnce(StoredExample example) {
        int inserted = em.createNativeQuery("INSERT INTO collection_example (collection_id, producer_id, idempotency_id, example, sha256, "
                        + "format, via, received_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8) ON CONFLICT ON CONSTRAINT collection_example_once DO NOTHING")
                .setParameter(1, example.collectionId()).setParameter(2, example.producerId()).setParameter(3, example.idempotencyId())
                .setParameter(4, example.line()).setParameter(5, example.sha256()).setParameter(6, example.format())
                .setParameter(7, example.via()).setParameter(8, example.receivedAt())
                .executeUpdate();
        if (inserted == 1) {
            return Optional.empty();
        }
        return Optional.of((String) em.createNativeQuery("SELECT sha256 FROM collection_example WHERE collection_id = ?1 AND producer_id = ?2 "
                        + "AND idempotency_id = ?3")
                .setParameter(1, example.collectionId()).setParameter(2, example.producerId()).setParameter(3, example.idempotencyId())
                .getSingleResult());
    }

    /** Logs a refused example unless this very example was logged under its key before; true when this call logged it. */
    @Transactional(Transactional.TxType.MANDATORY)
    public boolean logRejectionOnce(String collectionId, String producerId, String idempotencyId, String sha256, String problemsJson,
                                    String via, OffsetDateTime receivedAt) {
        return em.createNativeQuery("INSERT INTO collection_rejection (collection_id, producer_id, idempotency_id, sha256, problems, via, "
                        + "received_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7) ON CONFLICT ON CONSTRAINT collection_rejection_once DO NOTHING")
                .setParameter(1, collectionId).setParameter(2, producerId).setParameter(3, idempotencyId).setParameter(4, sha256)
                .setParameter(5, problemsJson).setParameter(6, via).setParameter(7, receivedAt)
                .executeUpdate() == 1;
    }

    /** How many valid examples and logged rejections a collection holds. */
    public record Counts(long examples, long rejections) {
    }

    @Transactional(Transactional.TxType.MANDATORY)
    public Counts counts(String collectionId) {
        Object[] row = (Object[]) em.createNativeQuery("SELECT (SELECT count(*) FROM collection_example WHERE collection_id = ?1), "
                + "(SELECT count(*) FROM collection_rejection WHERE collection_id = ?1)").setParameter(1, collectionId).getSingleResult();
        return new Counts(((Number) row[0]).longValue(), ((Number) row[1]).longValue());
    }
}
