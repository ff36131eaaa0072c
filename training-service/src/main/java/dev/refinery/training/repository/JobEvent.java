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
    public enum Type {
        QUEUED, STARTED, RESUMED, CHECKPOINT, INTERRUPTED, SUCCEEDED, FAILED,
        /** Provider jobs: the canonical state changed (see {@link #state}); uploads; the provider's own log entries. */
        VALIDATING, RUNNING, CANCELLING, CANCELLED, UPLOADED, CREATED, PROVIDER, REATTACHED,
        /** Money: an estimate refused or a running job cancelled for crossing a cap. */
        BUDGET,
        /**
         * Provider jobs that can pause (OpenAI): a pause or resume asked of the provider, and the provider reporting the
         * job paused; RESUMED (above) when it runs again. None changes the canonical state (a paused job stays RUNNING).
         */
        PAUSE_REQUESTED, PAUSED, RESUME_REQUESTED,
        /** A job found at its provider on our training file after a create whose answer was lost (a crash): adopted, not created again. */
        ADOPTED
    }

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

    /** The canonical state this entry moved the job to, or null for an entry that did not change it. */
    public String state;

    /** INFO, WARNING or ERROR. */
    @Column(nullable = false)
    public String level = "INFO";

    @Column(name = "created_at", nullable = false)
    public OffsetDateTime createdAt;

    /** Records an event in the caller's transaction; the canonical state follows from the type where it names one. */
    public static JobEvent record(String jobId, Type type, Integer step, String message) {
        return record(jobId, type, stateOf(type), "INFO", step, message, null);
    }

    public static JobEvent record(String jobId, Type type, String state, String level, Integer step, String message, OffsetDateTime at) {
        JobEvent e = of(jobId, type, state, level, step, message, at);
        e.persist();
        return e;
    }

    /** An entry not yet stored (the state machine returns these; the store persists them with the job's change). */
    public static JobEvent of(String jobId, Type type, String state, String level, Integer step, String message, OffsetDateTime at) {
        JobEvent e = new JobEvent();
        e.state = state;
        e.level = level;
        e.jobId = jobId;
        e.type = type.name();
        e.step = step;
        e.message = message;
        e.createdAt = at != null ? at : OffsetDateTime.now(ZoneOffset.UTC);
        return e;
    }

    /** The local engine's STARTED is its move to RUNNING; QUEUED and the outcomes are states by name. */
    public static String stateOf(Type type) {
        return switch (type) {
            case QUEUED, VALIDATING, RUNNING, CANCELLING, CANCELLED, SUCCEEDED, FAILED -> type.name();
            case STARTED -> JobStatus.RUNNING.name();
            default -> null;
        };
    }

    public static List<JobEvent> ofJob(String jobId) {
        return list("jobId = ?1 order by createdAt, id", jobId);
    }
}
