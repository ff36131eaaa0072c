package dev.refinery.gateway.identity;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import java.time.OffsetDateTime;

/** The tenant: its id is what the services store beside every dataset, job, evaluation and secret. */
@Entity
@Table(name = "projects")
public class Project extends PanacheEntityBase {

    @Id
    public String id;

    @Column(name = "organization_id", nullable = false)
    public String organizationId;

    @Column(name = "created_at", nullable = false)
    public OffsetDateTime createdAt;
}
