package dev.refinery.training.repository;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.SequenceGenerator;
import jakarta.persistence.Table;

import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;

/** One entry of a job's history, as users read it (GET /jobs/{id}/events). */
@Entity
@Table(name = "job_event")
public class JobEvent extends PanacheEntityBase {

    /** What happened. */
    public enum Type { QUEUED, STARTED, RESUMED, CHECKPOINT, INTERRUPTED, SUCCEEDED, FAILED }

    @Id
    @GeneratedValue(strategy = GenerationType.SEQUENCE, generator = "job_event_seq")
    @SequenceGenerator(name = "job_event_seq", sequenceName = "job_event_seq", allocationSize = 50)
    public Long id;

    @Column(name = "job_id", nullable = false)
    public String jobId;

    @Column(nullable = false)
    public String type;

    @Column(nullable = false, columnDefinition = "TEXT")
    public String message;

    public Integer step;

    @Column(name = "created_at", nullable = false)
    public OffsetDateTime createdAt;

    /** Records an event in the caller's transaction. */
    public static JobEvent record(String jobId, Type type, Integer step, String message) {
        JobEvent e = new JobEvent();
        e.jobId = jobId;
        e.type = type.name();
        e.step = step;
        e.message = message;
        e.createdAt = OffsetDateTime.now(ZoneOffset.UTC);
        e.persist();
        return e;
    }

    public static List<JobEvent> ofJob(String jobId) {
        return list("jobId = ?1 order by createdAt, id", jobId);
    }
}
