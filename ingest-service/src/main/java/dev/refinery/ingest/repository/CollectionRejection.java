package dev.refinery.ingest.repository;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import java.time.OffsetDateTime;
import java.util.List;

/** One refused example in a collection's rejection log (persistence model). Written by {@link ExampleLedger}. */
@Entity
@Table(name = "collection_rejection")
public class CollectionRejection extends PanacheEntityBase {

    @Id
    public Long id;

    @Column(name = "collection_id", nullable = false)
    public String collectionId;

    @Column(name = "producer_id", nullable = false)
    public String producerId;

    @Column(name = "idempotency_id", nullable = false)
    public String idempotencyId;

    @Column(nullable = false)
    public String sha256;

    /** JSON array of {code, path, message, hint}. */
    @Column(nullable = false, columnDefinition = "TEXT")
    public String problems;

    @Column(nullable = false)
    public String via;

    @Column(name = "received_at", nullable = false)
    public OffsetDateTime receivedAt;

    /** The newest rejections of a collection, older than {@code before} (a page's last id) when given. */
    public static List<CollectionRejection> newest(String collectionId, Long before, int limit) {
        return before == null
                ? find("collectionId = ?1 order by id desc", collectionId).page(0, limit).list()
                : find("collectionId = ?1 and id < ?2 order by id desc", collectionId, before).page(0, limit).list();
    }
}
