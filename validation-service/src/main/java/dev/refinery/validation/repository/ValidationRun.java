package dev.refinery.validation.repository;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.CollectionTable;
import jakarta.persistence.Column;
import jakarta.persistence.ElementCollection;
import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.Id;
import jakarta.persistence.JoinColumn;
import jakarta.persistence.MapKeyColumn;
import jakarta.persistence.Table;
import jakarta.persistence.Version;

import java.time.OffsetDateTime;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/** The validation of one dataset (persistence model; never sent over the wire as is). */
@Entity
@Table(name = "validation_run")
public class ValidationRun extends PanacheEntityBase {

    @Id
    @Column(name = "dataset_id")
    public String datasetId;

    /** The tenant that owns the dataset (from its dataset-uploaded event): only it sees the report, problems and estimates. */
    @Column(nullable = false)
    public String tenant;

    @Column(name = "dataset_name")
    public String datasetName;

    @Column(name = "source_bucket", nullable = false)
    public String sourceBucket;

    @Column(name = "source_key", nullable = false)
    public String sourceKey;

    @Enumerated(EnumType.STRING)
    @Column(nullable = false)
    public RunStatus status;

    /**
     * Attempts started, as the API shows them: the number of the run's work-lease claim that started last (the lease,
     * kind {@code validation-run}, is the fence of every write an attempt makes).
     */
    @Column(nullable = false)
    public int attempts;

    @Column(name = "last_error", columnDefinition = "TEXT")
    public String lastError;

    public Long lines;

    public Long records;

    @Column(name = "valid_records")
    public Long validRecords;

    @Column(name = "invalid_records")
    public Long invalidRecords;

    public Long problems;

    @Column(name = "train_records")
    public Long trainRecords;

    @Column(name = "validation_records")
    public Long validationRecords;

    @Column(name = "test_records")
    public Long testRecords;

    @Column(name = "report_key")
    public String reportKey;

    /** Problems per rule code, every one counted. */
    @ElementCollection
    @CollectionTable(name = "validation_rule_count", joinColumns = @JoinColumn(name = "dataset_id"))
    @MapKeyColumn(name = "code")
    @Column(name = "count", nullable = false)
    public Map<String, Long> ruleCounts = new HashMap<>();

    // The uploader's check options for this dataset; null: the service's configured default.
    @Column(name = "check_target")
    public String checkTarget;

    @Column(name = "check_model")
    public String checkModel;

    @Column(name = "check_splits")
    public String checkSplits;

    @Column(name = "check_dedup")
    public String checkDedup;

    @Column(name = "check_over_context")
    public String checkOverContext;

    @Column(name = "check_epochs")
    public Integer checkEpochs;

    @Column(name = "check_evaluations")
    public Integer checkEvaluations;

    /** A fixed test set: the dataset whose records are the test split, and where its file is. */
    @Column(name = "test_set_dataset_id")
    public String testSetDatasetId;

    @Column(name = "test_set_bucket")
    public String testSetBucket;

    @Column(name = "test_set_key")
    public String testSetKey;

    /** The dataset this one is the clean subset of; null for an upload. */
    @Column(name = "parent_dataset_id")
    public String parentDatasetId;

    /** The collection this dataset is a sealed version of; null for an upload. */
    @Column(name = "collection_id")
    public String collectionId;

    @Column(name = "created_at", nullable = false)
    public OffsetDateTime createdAt;

    @Column(name = "started_at")
    public OffsetDateTime startedAt;

    @Column(name = "finished_at")
    public OffsetDateTime finishedAt;

    /**
     * The run of dataset {@code datasetId} if {@code tenant} may see it: its own, or any for an empty tenant (one of
     * Refinery's services). Another tenant's run is simply not found, like the run of a dataset that does not exist.
     */
    public static Optional<ValidationRun> visibleTo(Optional<String> tenant, String datasetId) {
        return tenant.isEmpty()
                ? ValidationRun.<ValidationRun>findByIdOptional(datasetId)
                : find("datasetId = ?1 and tenant = ?2", datasetId, tenant.get()).firstResultOptional();
    }

    /** Optimistic lock: a writer that forgot to take the lease's lock cannot silently overwrite another's update. */
    @Version
    public long version;
}
