package dev.refinery.training.repository;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.IdClass;
import jakarta.persistence.Table;

import java.io.Serializable;
import java.time.OffsetDateTime;
import java.util.Objects;
import java.util.Optional;

/** A tenant's credentials for one provider, AES-GCM encrypted (see {@code SecretBox}); the plaintext is never stored. */
@Entity
@Table(name = "tenant_secret")
@IdClass(TenantSecret.Key.class)
public class TenantSecret extends PanacheEntityBase {

    @Id
    @Column(name = "tenant_id")
    public String tenantId;

    @Id
    public String provider;

    @Column(nullable = false)
    public byte[] nonce;

    @Column(nullable = false)
    public byte[] ciphertext;

    @Column(name = "updated_at", nullable = false)
    public OffsetDateTime updatedAt;

    public static Optional<TenantSecret> of(String tenantId, String provider) {
        return Optional.ofNullable(findById(new Key(tenantId, provider)));
    }

    public static class Key implements Serializable {
        public String tenantId;
        public String provider;

        public Key() {
        }

        public Key(String tenantId, String provider) {
            this.tenantId = tenantId;
            this.provider = provider;
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Key k && k.tenantId.equals(tenantId) && k.provider.equals(provider);
        }

        @Override
        public int hashCode() {
            return Objects.hash(tenantId, provider);
        }
    }
}
