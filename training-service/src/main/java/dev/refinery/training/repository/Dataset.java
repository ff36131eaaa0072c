package dev.refinery.training.repository;

import dev.refinery.identity.Tenants;
import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import java.time.OffsetDateTime;

/** A dataset as validation-service last announced it (read model of dataset-validated). */
@Entity
@Table(name = "dataset")
public class Dataset extends PanacheEntityBase {

    public static final String VALID = "VALID";

    @Id
    public String id;

    /** VALID or INVALID. */
    @Column(nullable = false)
    public String status;

    /** The tenant that uploaded it: only its jobs may train on it. */
    @Column(nullable = false)
    public String tenant = Tenants.DEFAULT;

    public Long records;

    @Column(name = "valid_records")
    public Long validRecords;

    public String bucket;

    @Column(name = "train_key")
    public String trainKey;

    @Column(name = "train_records")
    public Long trainRecords;

    @Column(name = "validation_key")
    public String validationKey;

    @Column(name = "validation_records")
    public Long validationRecords;

    @Column(name = "test_key")
    public String testKey;

    @Column(name = "test_records")
    public Long testRecords;

    @Column(name = "validated_at")
    public OffsetDateTime validatedAt;

    @Column(name = "updated_at", nullable = false)
    public OffsetDateTime updatedAt;

    /** The collection this dataset is a sealed version of; null for an upload. */
    @Column(name = "collection_id")
    public String collectionId;

    /** The newest VALID version of a collection of {@code tenant}. */
    public static java.util.Optional<Dataset> newestOfCollection(String tenant, String collectionId) {
        return find("tenant = ?1 and collectionId = ?2 and status = ?3 order by validatedAt desc", tenant, collectionId, VALID)
                .firstResultOptional();
    }

    public boolean isValid() {
        return VALID.equals(status);
    }
}
