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

    /**
     * The collection's format: {@code format} if no example pinned one before (this call pins it), else the one pinned.
     * The conditional update makes two first examples of different formats agree on one.
     */
    @Transactional(Transactional.TxType.MANDATORY)
    public String pinFormat(String collectionId, String format) {
        em.createNativeQuery("UPDATE collection SET format = ?2 WHERE id = ?1 AND format IS NULL")
                .setParameter(1, collectionId).setParameter(2, format).executeUpdate();
        return (String) em.createNativeQuery("SELECT format FROM collection WHERE id = ?1").setParameter(1, collectionId).getSingleResult();
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

    /**
     * Notes a refusal for a collection the tenant does not have, unless this very example was refused so before; true when
     * this call noted it (and its event is to be published).
     */
    @Transactional(Transactional.TxType.MANDATORY)
    public boolean noteUnknownCollectionRefusalOnce(String tenant, String collectionId, String producerId, String idempotencyId,
                                                    String sha256, OffsetDateTime receivedAt) {
        return em.createNativeQuery("INSERT INTO unknown_collection_refusal (tenant, collection_id, producer_id, idempotency_id, sha256, "
                        + "received_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6) ON CONFLICT ON CONSTRAINT unknown_collection_refusal_once DO NOTHING")
                .setParameter(1, tenant).setParameter(2, collectionId).setParameter(3, producerId).setParameter(4, idempotencyId)
                .setParameter(5, sha256).setParameter(6, receivedAt)
                .executeUpdate() == 1;
    }

    /** How many valid examples a collection holds (and how many of them wait to be sealed), and its logged rejections. */
    public record Counts(long examples, long unsealed, long rejections) {
    }

    @Transactional(Transactional.TxType.MANDATORY)
    public Counts counts(String collectionId) {
        Object[] row = (Object[]) em.createNativeQuery("SELECT (SELECT count(*) FROM collection_example WHERE collection_id = ?1), "
                + "(SELECT count(*) FROM collection_example WHERE collection_id = ?1 AND sealed_in IS NULL), "
                + "(SELECT count(*) FROM collection_rejection WHERE collection_id = ?1)").setParameter(1, collectionId).getSingleResult();
        return new Counts(((Number) row[0]).longValue(), ((Number) row[1]).longValue(), ((Number) row[2]).longValue());
    }

    /** How many valid examples of the collection wait to be sealed. */
    @Transactional(Transactional.TxType.MANDATORY)
    public long unsealedCount(String collectionId) {
        return ((Number) em.createNativeQuery("SELECT count(*) FROM collection_example WHERE collection_id = ?1 AND sealed_in IS NULL")
                .setParameter(1, collectionId).getSingleResult()).longValue();
    }

    /** When the oldest valid example of the collection that waits to be sealed arrived; empty when none waits. */
    @Transactional(Transactional.TxType.MANDATORY)
    @SuppressWarnings("unchecked")
    public Optional<OffsetDateTime> oldestUnsealedAt(String collectionId) {
        java.util.List<OffsetDateTime> at = em.createNativeQuery("SELECT received_at FROM collection_example WHERE collection_id = ?1 "
                + "AND sealed_in IS NULL ORDER BY id LIMIT 1", OffsetDateTime.class).setParameter(1, collectionId).getResultList();
        return at.stream().findFirst();
    }

    /**
     * Ids of the collections with a {@code sealAfter} whose oldest unsealed example arrived before {@code now} minus that
     * window: at most {@code limit}, in random order, so that collections whose seal keeps failing (a version pending)
     * cannot keep the others out of a sweep. "Oldest" by arrival order (the id), read from the unsealed-examples index.
     */
    @Transactional(Transactional.TxType.MANDATORY)
    @SuppressWarnings("unchecked")
    public java.util.List<String> dueBySealAfter(OffsetDateTime now, int limit) {
        return em.createNativeQuery("SELECT c.id FROM collection c WHERE c.seal_after_seconds IS NOT NULL AND (SELECT e.received_at "
                        + "FROM collection_example e WHERE e.collection_id = c.id AND e.sealed_in IS NULL ORDER BY e.id LIMIT 1) "
                        + "<= CAST(?1 AS TIMESTAMPTZ) - c.seal_after_seconds * INTERVAL '1 second' ORDER BY random() LIMIT ?2")
                .setParameter(1, now).setParameter(2, limit).getResultList();
    }

    /**
     * Ids of the collections with a {@code sealEvery} that have at least that many examples waiting, at most {@code limit},
     * in random order: the sweep's catch-up for a count seal that did not happen (its replica stopped first). The count
     * stops at {@code sealEvery}, so a large backlog costs no more than a due one.
     */
    @SuppressWarnings("unchecked")
    public java.util.List<String> dueBySealEvery(int limit) {
        return em.createNativeQuery("SELECT c.id FROM collection c WHERE c.seal_every IS NOT NULL AND (SELECT count(*) FROM "
                        + "(SELECT 1 FROM collection_example e WHERE e.collection_id = c.id AND e.sealed_in IS NULL LIMIT c.seal_every) w) "
                        + ">= c.seal_every ORDER BY random() LIMIT ?1")
                .setParameter(1, limit).getResultList();
    }

    /** A stored example waiting to be sealed. */
    public record UnsealedExample(long id, String producerId, String line) {
    }

    /**
     * Locks the collection against another seal until this transaction ends. NO KEY UPDATE: examples keep arriving
     * meanwhile (their foreign key takes only a KEY SHARE lock on the collection row, which this does not block).
     */
    @Transactional(Transactional.TxType.MANDATORY)
    public void lockForSeal(String collectionId) {
        em.createNativeQuery("SELECT id FROM collection WHERE id = ?1 FOR NO KEY UPDATE").setParameter(1, collectionId).getResultList();
    }

    /**
     * The same lock if no other seal holds it now; false (without waiting) if one does: an automatic seal has nothing to
     * do while another runs, and must not hold the Kafka consumer's thread, or a sweep, behind it.
     */
    @Transactional(Transactional.TxType.MANDATORY)
    public boolean tryLockForSeal(String collectionId) {
        return !em.createNativeQuery("SELECT id FROM collection WHERE id = ?1 FOR NO KEY UPDATE SKIP LOCKED").setParameter(1, collectionId)
                .getResultList().isEmpty();
    }

    /** The next unsealed examples after {@code afterId}, in the order they arrived. */
    @Transactional(Transactional.TxType.MANDATORY)
    @SuppressWarnings("unchecked")
    public java.util.List<UnsealedExample> unsealed(String collectionId, long afterId, int limit) {
        java.util.List<Object[]> rows = em.createNativeQuery("SELECT id, producer_id, example FROM collection_example WHERE collection_id = ?1 "
                        + "AND sealed_in IS NULL AND id > ?2 ORDER BY id LIMIT ?3")
                .setParameter(1, collectionId).setParameter(2, afterId).setParameter(3, limit).getResultList();
        return rows.stream().map(r -> new UnsealedExample(((Number) r[0]).longValue(), (String) r[1], (String) r[2])).toList();
    }

    /** Marks exactly these examples as sealed in {@code datasetId} (never one that arrived after they were read). */
    @Transactional(Transactional.TxType.MANDATORY)
    public void markSealed(java.util.List<Long> ids, String datasetId) {
        em.createNativeQuery("UPDATE collection_example SET sealed_in = ?1 WHERE id = ANY(?2)")
                .setParameter(1, datasetId).setParameter(2, ids.toArray(Long[]::new)).executeUpdate();
    }
}
