package dev.refinery.gateway.rest;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.refinery.gateway.webhook.Webhook;
import dev.refinery.gateway.webhook.WebhookDelivery;

import java.time.OffsetDateTime;
import java.util.List;

/** The API types of webhooks: what a client sends to make one, what it sees of one and of its deliveries. */
final class WebhookViews {

    private WebhookViews() {
    }

    /** {@code POST /v1/webhooks}: events are topic names, all six when absent. */
    record WebhookRequest(String url, List<String> events, String description) {
    }

    /** A webhook as listed: never its secret. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    record WebhookView(String id, String url, List<String> events, String description, OffsetDateTime createdAt, String createdBy,
                       OffsetDateTime rotatedAt, OffsetDateTime previousSecretValidUntil) {

        static WebhookView of(Webhook w) {
            return new WebhookView(w.id, w.url, w.topics(), w.description, w.createdAt, w.createdBy, w.rotatedAt, w.previousSecretUntil);
        }
    }

    /** The answer to making a webhook or rotating its secret: the secret itself, this once. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    record WebhookWithSecretView(String id, String url, List<String> events, String description, String secret,
                                 OffsetDateTime previousSecretValidUntil, String note) {

        static WebhookWithSecretView of(Webhook w, String secret) {
            return new WebhookWithSecretView(w.id, w.url, w.topics(), w.description, secret, w.previousSecretUntil,
                    "store the secret now: it is not shown again. Verify webhook-signature (Standard Webhooks, v1 = HMAC-SHA256)");
        }
    }

    /** One entry of a webhook's delivery log. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    record DeliveryView(String id, String eventId, String topic, String status, int attempts, Integer lastResponseCode,
                        String lastOutcome, OffsetDateTime createdAt, OffsetDateTime lastAttemptAt, OffsetDateTime nextAttemptAt,
                        OffsetDateTime deliveredAt) {

        static DeliveryView of(WebhookDelivery d) {
            return new DeliveryView(d.id, d.eventId, d.topic, d.status.name(), d.attempts, d.lastResponseCode, d.lastOutcome,
                    d.createdAt, d.lastAttemptAt, d.status == WebhookDelivery.Status.PENDING ? d.nextAttemptAt : null, d.deliveredAt);
        }
    }
}
