package dev.refinery.training.service;

import dev.refinery.kit.problem.ApiException;
import dev.refinery.training.config.TrainingSettings;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import javax.crypto.Cipher;
import javax.crypto.SecretKey;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Base64;

/**
 * Encrypts provider credentials at rest: AES-256-GCM, a fresh 96-bit nonce per value, the tenant and provider as
 * associated data (a ciphertext copied to another tenant's row does not decrypt). The key comes from
 * configuration ({@code refinery.training.secrets.key}); without one, nothing can be stored.
 */
@ApplicationScoped
public class SecretBox {

    private static final int NONCE_BYTES = 12;
    private static final int TAG_BITS = 128;

    @Inject
    TrainingSettings settings;

    private final SecureRandom random = new SecureRandom();
    private SecretKey key;

    /** Nonce and ciphertext (with its tag). */
    public record Sealed(byte[] nonce, byte[] ciphertext) {
    }

    @PostConstruct
    void init() {
        settings.secrets().key().filter(k -> !k.isBlank()).ifPresent(encoded -> {
            byte[] raw;
            try {
                raw = Base64.getDecoder().decode(encoded.strip());
            } catch (IllegalArgumentException e) {
                throw new IllegalStateException("refinery.training.secrets.key is not base64");
            }
            if (raw.length != 32) {
                throw new IllegalStateException("refinery.training.secrets.key must be 32 bytes (AES-256), got " + raw.length);
            }
            key = new SecretKeySpec(raw, "AES");
        });
    }

    public boolean configured() {
        return key != null;
    }

    public Sealed seal(String plaintext, String tenantId, String provider) {
        requireKey();
        byte[] nonce = new byte[NONCE_BYTES];
        random.nextBytes(nonce);
        try {
            Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
            c.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, nonce));
            c.updateAAD(aad(tenantId, provider));
            return new Sealed(nonce, c.doFinal(plaintext.getBytes(StandardCharsets.UTF_8)));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot encrypt: " + e.getClass().getSimpleName());
        }
    }

    public String open(Sealed sealed, String tenantId, String provider) {
        requireKey();
        try {
            Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
            c.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, sealed.nonce()));
            c.updateAAD(aad(tenantId, provider));
            return new String(c.doFinal(sealed.ciphertext()), StandardCharsets.UTF_8);
        } catch (GeneralSecurityException e) {
            // A rotated key or a tampered row: say which, never what the value was.
            throw new ApiException(422, "TENANT_SECRET_UNREADABLE", "Unprocessable request", "the stored " + provider
                    + " credentials of tenant " + tenantId + " cannot be decrypted with the configured key; store them again");
        }
    }

    private void requireKey() {
        if (key == null) {
            throw new ApiException(503, "TENANT_SECRETS_NOT_CONFIGURED", "Service Unavailable",
                    "this deployment has no refinery.training.secrets.key (REFINERY_TRAINING_SECRETS_KEY): per-tenant provider keys "
                            + "cannot be stored; set the key, or give the provider key through the environment");
        }
    }

    private static byte[] aad(String tenantId, String provider) {
        return (tenantId + "/" + provider).getBytes(StandardCharsets.UTF_8);
    }
}
