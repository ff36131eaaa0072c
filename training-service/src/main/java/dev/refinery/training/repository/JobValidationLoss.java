package dev.refinery.training.repository;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.IdClass;
import jakarta.persistence.Table;

import java.time.OffsetDateTime;
import java.util.List;

/** The validation loss measured after one step of a job. */
@Entity
@Table(name = "job_validation_loss")
@IdClass(JobStepMetric.Key.class)
public class JobValidationLoss extends PanacheEntityBase {

    @Id
    @Column(name = "job_id")
    public String jobId;

    @Id
    public int step;

    @Column(nullable = false)
    public double loss;

    @Column(name = "recorded_at", nullable = false)
    public OffsetDateTime recordedAt;

    public static List<JobValidationLoss> ofJob(String jobId) {
        return list("jobId = ?1 order by step", jobId);
    }

    public static long deleteAfter(String jobId, int step) {
        return delete("jobId = ?1 and step > ?2", jobId, step);
    }
}
