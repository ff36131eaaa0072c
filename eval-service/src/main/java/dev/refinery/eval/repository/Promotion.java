package dev.refinery.eval.repository;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import java.time.OffsetDateTime;
import java.util.List;
import java.util.Optional;

/** One change of an alias: a promotion, or a rollback to the version that held it before (persistence model). */
@Entity
@Table(name = "promotion")
public class Promotion extends PanacheEntityBase {

    public enum Kind {
        PROMOTE, ROLLBACK
    }

    @Id
    public String id;

    @Column(nullable = false)
    public String tenant;

    @Column(nullable = false)
    public String alias;

    @Enumerated(EnumType.STRING)
    @Column(nullable = false)
    public Kind kind;

    @Column(name = "model_version_id", nullable = false)
    public String modelVersionId;

    /** What the alias pointed at before; null when this created it. */
    @Column(name = "previous_version_id")
    public String previousVersionId;

    /** The evaluation whose decision promoted it (automatic promotions, and manual ones that name it). */
    @Column(name = "evaluation_id")
    public String evaluationId;

    @Column(nullable = false)
    public boolean automatic;

    /** Who: the key's prefix or token subject of a person or program, or "eval-service" for an automatic promotion. */
    @Column(nullable = false)
    public String actor;

    @Column(nullable = false, columnDefinition = "TEXT")
    public String reason;

    /** A promotion a rollback reversed: the next rollback goes further back instead of returning to it. */
    @Column(nullable = false)
    public boolean undone;

    @Column(name = "created_at", nullable = false)
    public OffsetDateTime createdAt;

    public static List<Promotion> history(String tenant, String alias, int limit) {
        return find("tenant = ?1 and alias = ?2 order by createdAt desc, id desc", tenant, alias).page(0, limit).list();
    }

    /** The changes that moved an alias to or away from a version, newest first. */
    public static List<Promotion> involving(String tenant, String versionId, int limit) {
        return find("tenant = ?1 and (modelVersionId = ?2 or previousVersionId = ?2) order by createdAt desc, id desc", tenant, versionId)
                .page(0, limit).list();
    }

    /** The promotion that gave the alias its current version and has not been rolled back: what a rollback reverses. */
    public static Optional<Promotion> inEffect(String tenant, String alias, String versionId) {
        return find("tenant = ?1 and alias = ?2 and modelVersionId = ?3 and kind = ?4 and undone = false order by createdAt desc, id desc",
                tenant, alias, versionId, Kind.PROMOTE).firstResultOptional();
    }
}
