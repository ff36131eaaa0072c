package dev.refinery.ingest.repository;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.IdClass;
import jakarta.persistence.Table;

import java.io.Serializable;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Optional;

/** One sealed version of a collection: the dataset its examples became, and its lineage (persistence model). */
@Entity
@Table(name = "collection_version")
@IdClass(CollectionVersion.Key.class)
public class CollectionVersion extends PanacheEntityBase {

    @Id
    @Column(name = "collection_id")
    public String collectionId;

    @Id
    public int version;

    @Column(name = "dataset_id", nullable = false)
    public String datasetId;

    /** The version before this one; null for the first. */
    @Column(name = "previous_dataset_id")
    public String previousDatasetId;

    @Column(nullable = false)
    public long examples;

    /** JSON array of the producer ids whose examples are in this version. */
    @Column(nullable = false, columnDefinition = "TEXT")
    public String producers;

    @Column(name = "sealed_at", nullable = false)
    public OffsetDateTime sealedAt;

    public static List<CollectionVersion> oldestFirst(String collectionId) {
        return find("collectionId = ?1 order by version", collectionId).list();
    }

    public static Optional<CollectionVersion> latest(String collectionId) {
        return find("collectionId = ?1 order by version desc", collectionId).firstResultOptional();
    }

    public static List<CollectionVersion> newest(String collectionId) {
        return find("collectionId = ?1 order by version desc", collectionId).list();
    }

    /** The primary key: a collection's version number. */
    public static class Key implements Serializable {
        public String collectionId;
        public int version;

        @Override
        public boolean equals(Object o) {
            return o instanceof Key k && k.version == version && java.util.Objects.equals(k.collectionId, collectionId);
        }

        @Override
        public int hashCode() {
            return java.util.Objects.hash(collectionId, version);
        }
    }
}
