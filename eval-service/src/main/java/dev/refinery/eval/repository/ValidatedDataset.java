package dev.refinery.eval.repository;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import java.time.OffsetDateTime;
import java.util.Optional;

/**
 * A dataset as validation-service last announced it (read model of dataset-validated): whose it is, its verdict and the
 * size of its test split, so that an evaluation by hand can use any validated dataset of its project as its test set.
 */
@Entity
@Table(name = "validated_dataset")
public class ValidatedDataset extends PanacheEntityBase {

    @Id
    @Column(name = "dataset_id")
    public String datasetId;

    @Column(nullable = false)
    public String tenant;

    /** VALID or INVALID. */
    @Column(nullable = false)
    public String status;

    @Column(name = "valid_records")
    public Long validRecords;

    @Column(name = "test_records")
    public Long testRecords;

    @Column(name = "validated_at", nullable = false)
    public OffsetDateTime validatedAt;

    /** The dataset if {@code tenant} owns it: another project's is as unknown as one never validated. */
    public static Optional<ValidatedDataset> owned(String tenant, String datasetId) {
        return find("datasetId = ?1 and tenant = ?2", datasetId, tenant).firstResultOptional();
    }

    public boolean valid() {
        return "VALID".equals(status);
    }
}
