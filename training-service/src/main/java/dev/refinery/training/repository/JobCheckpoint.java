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

/** A checkpoint a provider keeps for a job; {@code reference} is what continues from it or serves it. */
@Entity
@Table(name = "job_checkpoint")
@IdClass(JobCheckpoint.Key.class)
public class JobCheckpoint extends PanacheEntityBase {

    /** The kind of the local engine's resume point (only the newest is kept). */
    public static final String RESUME = "resume";

    @Id
    @Column(name = "job_id")
    public String jobId;

    @Id
    public String reference;

    public Long step;

    public String kind;

    @Column(name = "created_at")
    public OffsetDateTime createdAt;

    public static List<JobCheckpoint> ofJob(String jobId) {
        return list("jobId = ?1 order by step", jobId);
    }

    public static class Key implements Serializable {
        public String jobId;
        public String reference;

        public Key() {
        }

        public Key(String jobId, String reference) {
            this.jobId = jobId;
            this.reference = reference;
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Key k && k.jobId.equals(jobId) && k.reference.equals(reference);
        }

        @Override
        public int hashCode() {
            return Objects.hash(jobId, reference);
        }
    }
}
