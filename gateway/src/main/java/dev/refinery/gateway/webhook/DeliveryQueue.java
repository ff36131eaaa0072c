package dev.refinery.gateway.webhook;

import dev.refinery.gateway.events.PipelineEvent;
import io.quarkus.hibernate.orm.panache.Panache;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.transaction.Transactional;

import java.net.URI;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The deliveries waiting to be made, in PostgreSQL: the consumer puts an event in for every matching subscription, the
 * senders of all replicas take due ones out and record how each attempt went. Every method is one transaction.
 */
@ApplicationScoped
public class DeliveryQueue {

    @Inject
    WebhookConfig config;

    /** What a sender needs for one attempt, read while the delivery was claimed. */
    public record Claim(String deliveryId, String webhookId, URI url, List<String> secrets, String eventId, String body) {
    }

    /** How one attempt ended: a response (any status), or none, with what went wrong. */
    public record Outcome(Integer responseCode, String excerpt) {

        boolean delivered() {
            return responseCode != null && responseCode / 100 == 2;
        }
    }

    /**
     * A delivery for each of the event's tenant's webhooks that subscribed to its topic, all in one transaction; an event
     * seen again (the consumer delivers at least once) adds nothing, thanks to the unique (event id, webhook).
     *
     * @return how many deliveries were added
     */
    @Transactional
    public int enqueue(PipelineEvent event) {
        List<Webhook> subscribers = Webhook.<Webhook>list("projectId", event.tenant()).stream().filter(w -> w.receives(event.topic())).toList();
        int added = 0;
        for (Webhook w : subscribers) {
            added += Panache.getEntityManager().createNativeQuery("""
                            insert into webhook_deliveries (id, webhook_id, event_id, topic, body, status, attempts,
                                attempts_before_redelivery, next_attempt_at, created_at)
                            values (?1, ?2, ?3, ?4, ?5, 'PENDING', 0, 0, ?6, ?6)
                            on conflict (event_id, webhook_id) do nothing""")
                    .setParameter(1, "dlv-" + UUID.randomUUID().toString().replace("-", ""))
                    .setParameter(2, w.id)
                    .setParameter(3, event.id())
                    .setParameter(4, event.topic())
                    .setParameter(5, event.json())
                    .setParameter(6, Webhooks.now())
                    .executeUpdate();
        }
        return added;
    }

    /**
     * Takes up to {@code refinery.webhooks.batch-size} due deliveries for this sender. {@code FOR UPDATE SKIP LOCKED} lets
     * replicas claim at the same moment without waiting for or taking each other's rows; the claim itself is a lease
     * (next_attempt_at moves past the attempt's time limit), so the rows are free again at commit and an attempt lost
     * with its gateway is made again once the lease ends.
     */
    @Transactional
    @SuppressWarnings("unchecked")
    public List<Claim> claimDue() {
        OffsetDateTime now = Webhooks.now();
        List<WebhookDelivery> due = Panache.getEntityManager().createNativeQuery("""
                        select * from webhook_deliveries
                        where status = 'PENDING' and next_attempt_at <= ?1
                        order by next_attempt_at
                        limit ?2
                        for update skip locked""", WebhookDelivery.class)
                .setParameter(1, now)
                .setParameter(2, config.batchSize())
                .getResultList();
        OffsetDateTime leaseUntil = now.plus(lease());
        List<Claim> claims = new ArrayList<>(due.size());
        for (WebhookDelivery d : due) {
            Webhook w = Webhook.findById(d.webhookId);
            d.claim(now, leaseUntil);
            claims.add(new Claim(d.id, w.id, URI.create(w.url), w.signingSecrets(now), d.eventId, d.body));
        }
        return claims;
    }

    /** Writes how an attempt went and, for a failure, when the next one is due (or that there is none). */
    @Transactional
    public void record(String deliveryId, Outcome outcome) {
        WebhookDelivery d = WebhookDelivery.findById(deliveryId);
        if (d == null) {
            return; // its webhook was deleted while the attempt was under way
        }
        OffsetDateTime now = Webhooks.now();
        if (outcome.delivered()) {
            d.delivered(now, outcome.responseCode(), outcome.excerpt());
            return;
        }
        OffsetDateTime retryAt = schedule().delayAfter(d.attemptsInThisRound(), ThreadLocalRandom.current()).map(now::plus).orElse(null);
        d.attemptFailed(outcome.responseCode(), outcome.excerpt(), retryAt);
    }

    RetrySchedule schedule() {
        return new RetrySchedule(config.maxAttempts(), config.firstRetry(), config.maxBackoff());
    }

    /** Longer than any attempt may take, so a claim never runs out while its attempt is still under way. */
    private Duration lease() {
        return config.connectTimeout().plus(config.requestTimeout()).plusSeconds(30);
    }
}
