package dev.refinery.inference.repository;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.Id;
import jakarta.persistence.LockModeType;
import jakarta.persistence.Table;

import java.time.OffsetDateTime;
import java.util.List;
import java.util.Optional;

/**
 * A challenger answering a share of an alias's live requests beside the version the alias names, judged pair by pair:
 * OPEN until enough pairs are judged or its time is up, then ENDED with the counts.
 */
@Entity
@Table(name = "shadow_trial")
public class ShadowTrial extends PanacheEntityBase {

    public enum Status { OPEN, ENDED }

    @Id
    public String id;

    @Column(nullable = false)
    public String tenant;

    @Column(nullable = false)
    public String alias;

    @Column(name = "challenger_version_id", nullable = false)
    public String challengerVersionId;

    /** The model that judges, named as a request's {@code model} names it. */
    @Column(nullable = false)
    public String judge;

    /** The share of the alias's requests the challenger answers too, in (0, 1]. */
    @Column(nullable = false)
    public double share;

    @Column(name = "pairs_wanted", nullable = false)
    public int pairsWanted;

    @Enumerated(EnumType.STRING)
    @Column(nullable = false)
    public Status status;

    @Column(nullable = false)
    public int wins;

    @Column(nullable = false)
    public int losses;

    @Column(nullable = false)
    public int ties;

    @Column(nullable = false)
    public int unclear;

    @Column(name = "started_at", nullable = false)
    public OffsetDateTime startedAt;

    @Column(name = "ends_at", nullable = false)
    public OffsetDateTime endsAt;

    @Column(name = "ended_at")
    public OffsetDateTime endedAt;

    @Column(name = "end_reason")
    public String endReason;

    /** Pairs with a verdict: wins, losses and ties. */
    public int judged() {
        return wins + losses + ties;
    }

    public static Optional<ShadowTrial> owned(String tenant, String id) {
        return ShadowTrial.<ShadowTrial>findByIdOptional(id).filter(t -> t.tenant.equals(tenant));
    }

    public static Optional<ShadowTrial> locked(String id) {
        return Optional.ofNullable(findById(id, LockModeType.PESSIMISTIC_WRITE));
    }

    public static List<ShadowTrial> open() {
        return list("status", Status.OPEN);
    }

    public static List<ShadowTrial> openOn(String tenant, String alias) {
        return list("tenant = ?1 and alias = ?2 and status = ?3", tenant, alias, Status.OPEN);
    }

    public static List<String> openEndedBy(OffsetDateTime now) {
        return getEntityManager().createQuery("select t.id from ShadowTrial t where t.status = :open and t.endsAt <= :now", String.class)
                .setParameter("open", Status.OPEN).setParameter("now", now).getResultList();
    }
}
