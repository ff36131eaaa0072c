package dev.refinery.gateway.webhook;

import dev.refinery.gateway.identity.Identity;
import dev.refinery.kit.problem.ApiException;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.transaction.Transactional;

import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * A project's webhook subscriptions and their delivery logs. Every lookup is by project and id together: another project's
 * webhook answers 404 with the same code and message as one that does not exist.
 */
@ApplicationScoped
public class Webhooks {

    /** The pipeline topics a webhook may receive (what the gateway consumes). */
    public static final List<String> TOPICS = List.of("dataset-uploaded", "dataset-validated", "job-submitted", "job-completed",
            "eval-finished", "model-promoted", "pipeline-run-finished", "pipeline-paused");
    public static final int MAX_DESCRIPTION = 500;
    private static final Pattern ID = Pattern.compile("^[a-z0-9-]{1,40}$");

    @Inject
    TargetAddresses addresses;

    @Inject
    WebhookConfig config;

    /** A webhook with its signing secret: the only time the secret is seen. */
    public record WithSecret(Webhook webhook, String secret) {
    }

    @Transactional
    public WithSecret create(Identity creator, String url, List<String> events, String description) {
        if (Webhook.count("projectId", creator.project()) >= config.maxPerProject()) {
            throw ApiException.conflict("WEBHOOK_LIMIT_REACHED", "a project has at most " + config.maxPerProject()
                    + " webhooks; delete one first").with("limit", config.maxPerProject());
        }
        Webhook w = new Webhook();
        w.id = "wh-" + UUID.randomUUID().toString().replace("-", "");
        w.projectId = creator.project();
        w.url = addresses.checkedForCreation(url).toString();
        w.events = String.join(" ", checkedTopics(events));
        w.description = checkedDescription(description);
        w.secret = WebhookSignature.newSecret();
        w.createdAt = now();
        w.createdBy = creator.keyPrefix();
        w.persist();
        return new WithSecret(w, w.secret);
    }

    @Transactional
    public List<Webhook> list(String project) {
        return Webhook.list("projectId = ?1 order by createdAt desc", project);
    }

    @Transactional
    public Webhook get(String project, String id) {
        return owned(project, id);
    }

    /** Deletes the webhook and its delivery log; deliveries not yet made are dropped. */
    @Transactional
    public void delete(String project, String id) {
        owned(project, id).delete();
    }

    /** A new secret; the one it replaces keeps signing beside it for {@code refinery.webhooks.rotation-grace}. */
    @Transactional
    public WithSecret rotate(String project, String id) {
        Webhook w = owned(project, id);
        OffsetDateTime now = now();
        w.previousSecret = w.secret;
        w.previousSecretUntil = now.plus(config.rotationGrace());
        w.secret = WebhookSignature.newSecret();
        w.rotatedAt = now;
        return new WithSecret(w, w.secret);
    }

    /** The webhook's deliveries, newest first. */
    @Transactional
    public List<WebhookDelivery> deliveries(String project, String id, int limit) {
        owned(project, id);
        return WebhookDelivery.<WebhookDelivery>find("webhookId = ?1 order by createdAt desc, id", id).page(0, limit).list();
    }

    /** Sends a delivered or failed delivery again, now, with a new round of retries; one still under way is 409. */
    @Transactional
    public WebhookDelivery redeliver(String project, String id, String deliveryId) {
        owned(project, id);
        checkedId(deliveryId, "deliveryId");
        WebhookDelivery d = WebhookDelivery.findById(deliveryId);
        if (d == null || !d.webhookId.equals(id)) {
            throw ApiException.notFound("DELIVERY_NOT_FOUND", "no delivery " + deliveryId + " of webhook " + id);
        }
        if (d.status == WebhookDelivery.Status.PENDING) {
            throw ApiException.conflict("DELIVERY_PENDING", "delivery " + deliveryId + " is still being delivered; next attempt at "
                    + d.nextAttemptAt);
        }
        d.redeliverNow(now());
        return d;
    }

    private static Webhook owned(String project, String id) {
        checkedId(id, "id");
        return Webhook.<Webhook>find("id = ?1 and projectId = ?2", id, project).firstResultOptional()
                .orElseThrow(() -> ApiException.notFound("WEBHOOK_NOT_FOUND", "no webhook " + id));
    }

    private static void checkedId(String id, String field) {
        if (id == null || !ID.matcher(id).matches()) {
            throw ApiException.badRequest("WEBHOOK_ID_INVALID", field + " must be 1 to 40 lower-case letters, digits or '-'")
                    .with("field", field);
        }
    }

    /** The subscribed topics: all of them when none are named. */
    private static Set<String> checkedTopics(List<String> events) {
        if (events == null || events.isEmpty()) {
            return new LinkedHashSet<>(TOPICS);
        }
        if (events.size() > TOPICS.size()) {
            throw eventsInvalid("events names at most " + TOPICS.size() + " topics");
        }
        Set<String> topics = new LinkedHashSet<>();
        for (String e : events) {
            if (e == null || !TOPICS.contains(e)) {
                String shown = e == null ? "null" : e.length() > 60 ? e.substring(0, 60) + "..." : e;
                throw eventsInvalid("unknown topic " + shown + " in events; known: " + String.join(", ", TOPICS));
            }
            topics.add(e);
        }
        return topics;
    }

    private static ApiException eventsInvalid(String detail) {
        return ApiException.badRequest("WEBHOOK_EVENTS_INVALID", detail).with("field", "events");
    }

    private static String checkedDescription(String description) {
        if (description == null || description.isBlank()) {
            return null;
        }
        if (description.length() > MAX_DESCRIPTION) {
            throw ApiException.badRequest("WEBHOOK_DESCRIPTION_INVALID", "description is at most " + MAX_DESCRIPTION + " characters")
                    .with("field", "description");
        }
        return description.strip();
    }

    static OffsetDateTime now() {
        return OffsetDateTime.now(ZoneOffset.UTC);
    }
}
