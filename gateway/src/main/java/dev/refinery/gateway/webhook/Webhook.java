package dev.refinery.gateway.webhook;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import java.time.OffsetDateTime;
import java.util.Arrays;
import java.util.List;

/** A project's subscription: where its events go, which topics, and the secrets that sign them. */
@Entity
@Table(name = "webhooks")
public class Webhook extends PanacheEntityBase {

    @Id
    public String id;

    @Column(name = "project_id", nullable = false)
    public String projectId;

    @Column(nullable = false)
    public String url;

    /** Topic names, space-separated. */
    @Column(nullable = false)
    public String events;

    public String description;

    /** {@code whsec_...}: never logged, shown only when made. */
    @Column(nullable = false)
    public String secret;

    /** The secret before the last rotation, still signing until {@link #previousSecretUntil}. */
    @Column(name = "previous_secret")
    public String previousSecret;

    @Column(name = "previous_secret_until")
    public OffsetDateTime previousSecretUntil;

    @Column(name = "created_at", nullable = false)
    public OffsetDateTime createdAt;

    /** The prefix of the key that made it. */
    @Column(name = "created_by", nullable = false)
    public String createdBy;

    @Column(name = "rotated_at")
    public OffsetDateTime rotatedAt;

    public List<String> topics() {
        return Arrays.asList(events.split(" "));
    }

    public boolean receives(String topic) {
        return topics().contains(topic);
    }

    /** The secrets that sign a message sent at {@code now}: the current one, and the previous one during its grace period. */
    public List<String> signingSecrets(OffsetDateTime now) {
        if (previousSecret != null && previousSecretUntil != null && now.isBefore(previousSecretUntil)) {
            return List.of(secret, previousSecret);
        }
        return List.of(secret);
    }
}
