package dev.refinery.gateway.identity;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import java.time.OffsetDateTime;

/** Groups projects; what an OpenID Connect provider is configured for. Keys are managed per project (and by the operator). */
@Entity
@Table(name = "organizations")
public class Organization extends PanacheEntityBase {

    @Id
    public String id;

    @Column(name = "created_at", nullable = false)
    public OffsetDateTime createdAt;
}
