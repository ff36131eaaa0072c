package dev.refinery.training.repository;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.IdClass;
import jakarta.persistence.Table;

import java.io.Serializable;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Objects;

/** The metrics of one optimizer step of a job. */
@Entity
@Table(name = "job_step_metric")
@IdClass(JobStepMetric.Key.class)
public class JobStepMetric extends PanacheEntityBase {

    @Id
    @Column(name = "job_id")
    public String jobId;

    @Id
    public int step;


    public Double epoch;


    public Double loss;

    @Column(name = "learning_rate")
    public Double learningRate;

    @Column(name = "grad_norm")
    public Double gradNorm;


    public Integer tokens;

    @Column(name = "tokens_per_second")
    public Double tokensPerSecond;

    /** DPO: share of the step's pairs whose chosen answer the model prefers; null otherwise. */
    @Column(name = "reward_accuracy")
    public Double rewardAccuracy;

    /** DPO: mean implicit-reward margin, chosen minus rejected; null otherwise. */
    @Column(name = "reward_margin")
    public Double rewardMargin;

    @Column(name = "recorded_at", nullable = false)
    public OffsetDateTime recordedAt;

    public static List<JobStepMetric> ofJob(String jobId) {
        return list("jobId = ?1 order by step", jobId);
    }

    /** Forgets the steps after {@code step}: an attempt resumed from that checkpoint computes them again. */
    public static long deleteAfter(String jobId, int step) {
        return delete("jobId = ?1 and step > ?2", jobId, step);
    }

    /** Composite key (job, step). */
    public static class Key implements Serializable {
        public String jobId;
        public int step;

        public Key() {
        }

        public Key(String jobId, int step) {
            this.jobId = jobId;
            this.step = step;
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Key k && k.step == step && Objects.equals(k.jobId, jobId);
        }

        @Override
        public int hashCode() {
            return Objects.hash(jobId, step);
        }
    }
}
