package dev.refinery.eval.repository;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Embeddable;
import jakarta.persistence.EmbeddedId;
import jakarta.persistence.Entity;
import jakarta.persistence.Table;
import jakarta.persistence.Version;

import java.io.Serializable;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/** A project's name for one of its model versions, e.g. {@code champion} (persistence model). */
@Entity
@Table(name = "model_alias")
public class ModelAlias extends PanacheEntityBase {

    /** The primary key: a name is unique within a project. */
    @Embeddable
    public static class Key implements Serializable {

        @Column(name = "tenant")
        public String tenant;

        @Column(name = "name")
        public String name;

        protected Key() {
        }

        public Key(String tenant, String name) {
            this.tenant = tenant;
            this.name = name;
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Key k && Objects.equals(tenant, k.tenant) && Objects.equals(name, k.name);
        }

        @Override
        public int hashCode() {
            return Objects.hash(tenant, name);
        }
    }

    @EmbeddedId
    public Key key;

    @Column(name = "model_version_id", nullable = false)
    public String modelVersionId;

    @Column(name = "updated_at", nullable = false)
    public OffsetDateTime updatedAt;

    /** Two promotions of one alias at once: the second fails instead of silently overwriting the first. */
    @Version
    public long version;

    public static Optional<ModelAlias> of(String tenant, String name) {
        return findByIdOptional(new Key(tenant, name));
    }

    public static List<ModelAlias> ofTenant(String tenant) {
        return find("key.tenant = ?1 order by key.name", tenant).list();
    }

    public static List<ModelAlias> pointingAt(String tenant, String versionId) {
        return find("key.tenant = ?1 and modelVersionId = ?2 order by key.name", tenant, versionId).list();
    }
}
