package dev.refinery.inference.repository;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import java.time.OffsetDateTime;
import java.util.Optional;

/** A project's capture settings; a project without a row captures nothing. */
@Entity
@Table(name = "capture_settings")
public class CaptureSettings extends PanacheEntityBase {

    @Id
    public String tenant;

    @Column(nullable = false)
    public boolean enabled;

    @Column(name = "retention_days", nullable = false)
    public int retentionDays;

    /** A JSON array of regular expressions. */
    @Column(nullable = false)
    public String redact;

    @Column(name = "updated_at", nullable = false)
    public OffsetDateTime updatedAt;

    public static Optional<CaptureSettings> of(String tenant) {
        return Optional.ofNullable(findById(tenant));
    }
}
