package dev.refinery.inference.repository;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Embeddable;
import jakarta.persistence.EmbeddedId;
import jakarta.persistence.Entity;
import jakarta.persistence.Table;

import java.io.Serializable;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/** Which version an alias of a project names (read model of model-promoted). */
@Entity
@Table(name = "served_alias")
public class ServedAlias extends PanacheEntityBase {

    @EmbeddedId
    public Key key;

    @Column(name = "version_id", nullable = false)
    public String versionId;

    /** When the promotion or rollback happened; an older event changes nothing. */
    @Column(name = "changed_at", nullable = false)
    public OffsetDateTime changedAt;

    /** The primary key: an alias is unique within a project. */
    @Embeddable
    public static class Key implements Serializable {

        @Column(name = "tenant")
        public String tenant;

        @Column(name = "alias")
        public String alias;

        protected Key() {
        }

        public Key(String tenant, String alias) {
            this.tenant = tenant;
            this.alias = alias;
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Key k && Objects.equals(tenant, k.tenant) && Objects.equals(alias, k.alias);
        }

        @Override
        public int hashCode() {
            return Objects.hash(tenant, alias);
        }
    }

    public static Optional<ServedAlias> of(String tenant, String alias) {
        return Optional.ofNullable(findById(new Key(tenant, alias)));
    }

    public static List<ServedAlias> ofTenant(String tenant) {
        return find("key.tenant = ?1 order by key.alias", tenant).list();
    }
}
