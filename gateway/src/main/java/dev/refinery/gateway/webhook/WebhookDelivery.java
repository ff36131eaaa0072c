package dev.refinery.gateway.webhook;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import java.time.OffsetDateTime;

/** One event for one subscription: what is sent, and how its delivery went so far (the delivery log). */
@Entity
@Table(name = "webhook_deliveries")
public class WebhookDelivery extends PanacheEntityBase {

    public enum Status { PENDING, DELIVERED, FAILED }

    @Id
    public String id;

    @Column(name = "webhook_id", nullable = false)
    public String webhookId;

    /** The CloudEvents id: the {@code webhook-id} header, the same on every attempt so receivers can drop repeats. */
    @Column(name = "event_id", nullable = false)
    public String eventId;

    @Column(nullable = false)
    public String topic;

    /** The event as sent: {@code {"type", "id", "subject", "time", "data"}}, the live stream's envelope. */
    @Column(nullable = false)
    public String body;

    @Enumerated(EnumType.STRING)
    @Column(nullable = false)
    public Status status;

    @Column(nullable = false)
    public int attempts;

    @Column(name = "attempts_before_redelivery", nullable = false)
    public int attemptsBeforeRedelivery;

    @Column(name = "next_attempt_at")
    public OffsetDateTime nextAttemptAt;

    @Column(name = "last_attempt_at")
    public OffsetDateTime lastAttemptAt;

    @Column(name = "last_response_code")
    public Integer lastResponseCode;

    /** A short excerpt of the last answer, or what went wrong (never a secret). */
    @Column(name = "last_outcome")
    public String lastOutcome;

    @Column(name = "created_at", nullable = false)
    public OffsetDateTime createdAt;

    @Column(name = "delivered_at")
    public OffsetDateTime deliveredAt;

    /** Attempts since the delivery was queued or last redelivered by hand: what the retry limit and the backoff count. */
    public int attemptsInThisRound() {
        return attempts - attemptsBeforeRedelivery;
    }

    /** Taken by a sender at {@code now}: no other sender takes it before {@code leaseUntil}, when a lost attempt is retried. */
    void claim(OffsetDateTime now, OffsetDateTime leaseUntil) {
        attempts++;
        lastAttemptAt = now;
        nextAttemptAt = leaseUntil;
    }

    void delivered(OffsetDateTime now, int responseCode, String excerpt) {
        status = Status.DELIVERED;
        deliveredAt = now;
        nextAttemptAt = null;
        lastResponseCode = responseCode;
        lastOutcome = excerpt;
    }

    /** A failed attempt: retried at {@code retryAt}, or FAILED when the round's attempts are used up (null). */
    void attemptFailed(Integer responseCode, String outcome, OffsetDateTime retryAt) {
        lastResponseCode = responseCode;
        lastOutcome = outcome;
        nextAttemptAt = retryAt;
        status = retryAt == null ? Status.FAILED : Status.PENDING;
    }

    /** Back in the queue, due now, with a full round of attempts again (the count of all attempts goes on). */
    void redeliverNow(OffsetDateTime now) {
        status = Status.PENDING;
        attemptsBeforeRedelivery = attempts;
        nextAttemptAt = now;
    }
}
