package dev.refinery.ingest.repository;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import java.time.OffsetDateTime;
import java.util.List;
import java.util.Optional;

/** A collection of producers' examples (persistence model). It belongs to one tenant, like a dataset. */
@Entity
@Table(name = "collection")
public class Collection extends PanacheEntityBase {

    @Id
    public String id;

    /** The tenant (project) that owns the collection: only its callers and producers may read it or add to it. */
    @Column(nullable = false)
    public String tenant;

    @Column(nullable = false)
    public String name;

    /** The check options its examples are validated with, as JSON ({@code CheckChoices}); null: the defaults. */
    @Column(columnDefinition = "TEXT")
    public String checks;

    /** The format of its examples (conversation, instruction, text, preference), pinned by the first valid one; null before. */
    @Column
    public String format;

    /** Seal on its own once this many valid examples wait unsealed; null: by hand only. */
    @Column(name = "seal_every")
    public Integer sealEvery;

    /** Seal on its own once the oldest unsealed valid example has waited this many seconds; null: no time window. */
    @Column(name = "seal_after_seconds")
    public Long sealAfterSeconds;

    /** Examples a second one producer may send, on average; null: the service's default. */
    @Column(name = "producer_rate")
    public Double producerRate;

    /** Examples one producer may send at once; null: the service's default. */
    @Column(name = "producer_burst")
    public Integer producerBurst;

    @Column(name = "created_at", nullable = false)
    public OffsetDateTime createdAt;

    /** The collection {@code id} if it is {@code tenant}'s; another tenant's is not found, exactly like an unknown one. */
    public static Optional<Collection> ownedBy(String tenant, String id) {
        return find("id = ?1 and tenant = ?2", id, tenant).firstResultOptional();
    }

    public static List<Collection> newestOf(String tenant, int limit) {
        return find("tenant = ?1 order by createdAt desc, id", tenant).page(0, limit).list();
    }
}
