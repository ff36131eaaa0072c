package dev.refinery.eval.repository;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import java.time.OffsetDateTime;
import java.util.List;
import java.util.Optional;

/**
 * One version of a project's grader (persistence model). Versions are never changed: a change is a new version, so an
 * evaluation that used version 3 can always say what version 3 checked.
 */
@Entity
@Table(name = "grader")
public class Grader extends PanacheEntityBase {

    @Id
    public String id;

    @Column(nullable = false)
    public String tenant;

    @Column(nullable = false)
    public String name;

    @Column(nullable = false)
    public int version;

    /** {@link dev.refinery.eval.grading.GraderKind}'s wire name. */
    @Column(nullable = false)
    public String kind;

    /** The kind's settings, as JSON. */
    @Column(nullable = false, columnDefinition = "TEXT")
    public String config;

    @Column(name = "created_by", nullable = false)
    public String createdBy;

    @Column(name = "created_at", nullable = false)
    public OffsetDateTime createdAt;

    public static Optional<Grader> latest(String tenant, String name) {
        return find("tenant = ?1 and name = ?2 order by version desc", tenant, name).firstResultOptional();
    }

    public static Optional<Grader> version(String tenant, String name, int version) {
        return find("tenant = ?1 and name = ?2 and version = ?3", tenant, name, version).firstResultOptional();
    }

    public static List<Grader> versions(String tenant, String name) {
        return find("tenant = ?1 and name = ?2 order by version desc", tenant, name).list();
    }

    /** The newest version of each of the tenant's graders, by name (a project has few graders: read them all). */
    public static List<Grader> newestOfEach(String tenant) {
        java.util.Map<String, Grader> newest = new java.util.TreeMap<>();
        for (Grader g : Grader.<Grader>list("tenant", tenant)) {
            newest.merge(g.name, g, (a, b) -> a.version >= b.version ? a : b);
        }
        return List.copyOf(newest.values());
    }
}
