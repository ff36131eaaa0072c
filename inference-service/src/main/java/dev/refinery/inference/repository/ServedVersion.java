package dev.refinery.inference.repository;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import java.time.OffsetDateTime;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/** A registry version as this service serves it (read model of model-registered and model-promoted). */
@Entity
@Table(name = "served_version")
public class ServedVersion extends PanacheEntityBase {

    /** How the registry names a version. */
    public static final Pattern ID = Pattern.compile("^mv-[0-9a-f]{32}$");

    @Id
    public String id;

    @Column(nullable = false)
    public String tenant;

    /** base model + "+" + job id, or the server's model name + "@" + the server. */
    @Column(nullable = false)
    public String name;

    /** Null for a model registered from a server. */
    @Column(name = "job_id")
    public String jobId;

    @Column(name = "base_model", nullable = false)
    public String baseModel;

    /** Where it was trained (local, together, ...), or endpoint:<server>. */
    @Column(nullable = false)
    public String backend;

    /** lora-adapter, full-model or provider-model. */
    @Column(name = "artifact_type", nullable = false)
    public String artifactType;

    public String bucket;

    @Column(name = "artifact_key")
    public String artifactKey;

    @Column(name = "provider_model")
    public String providerModel;

    @Column(name = "registered_at", nullable = false)
    public OffsetDateTime registeredAt;

    public static Optional<ServedVersion> owned(String tenant, String id) {
        return find("id = ?1 and tenant = ?2", id, tenant).firstResultOptional();
    }

    public static Optional<ServedVersion> ofJob(String tenant, String jobId) {
        return find("jobId = ?1 and tenant = ?2", jobId, tenant).firstResultOptional();
    }

    public static List<ServedVersion> newest(String tenant, int limit) {
        return find("tenant = ?1 order by registeredAt desc, id", tenant).page(0, limit).list();
    }
}
