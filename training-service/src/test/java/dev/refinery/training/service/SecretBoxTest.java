package dev.refinery.training.service;

import dev.refinery.kit.problem.ApiException;
import org.junit.jupiter.api.Test;

import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** Stored provider keys: encrypted, bound to their tenant and provider, unreadable without the key. */
class SecretBoxTest {

    private static SecretBox box(byte fill) {
        SecretBox box = new SecretBox();
        byte[] raw = new byte[32];
        java.util.Arrays.fill(raw, fill);
        try {
            var f = SecretBox.class.getDeclaredField("key");
            f.setAccessible(true);
            f.set(box, new SecretKeySpec(raw, "AES"));
        } catch (ReflectiveOperationException e) {
            throw new AssertionError(e);
        }
        return box;
    }

    @Test
    void aSealedKeyOpensOnlyForItsTenantAndProviderAndNeverHoldsThePlaintext() {
        SecretBox box = box((byte) 7);
        SecretBox.Sealed sealed = box.seal("{\"apiKey\":\"tg-very-secret\"}", "acme", "together");
        assertFalse(new String(sealed.ciphertext(), StandardCharsets.ISO_8859_1).contains("tg-very-secret"));
        assertEquals("{\"apiKey\":\"tg-very-secret\"}", box.open(sealed, "acme", "together"));
        ApiException other = assertThrows(ApiException.class, () -> box.open(sealed, "globex", "together"));
        assertEquals("TENANT_SECRET_UNREADABLE", other.code());
        assertFalse(other.getMessage().contains("tg-very-secret"));
        assertThrows(ApiException.class, () -> box(((byte) 8)).open(sealed, "acme", "together"));
    }

    @Test
    void everySealUsesAFreshNonce() {
        SecretBox box = box((byte) 1);
        assertNotEquals(java.util.Arrays.toString(box.seal("k", "t", "openai").nonce()), java.util.Arrays.toString(box.seal("k", "t", "openai").nonce()));
    }

    @Test
    void withoutAConfiguredKeyNothingCanBeStored() {
        assertEquals("TENANT_SECRETS_NOT_CONFIGURED", assertThrows(ApiException.class, () -> new SecretBox().seal("k", "t", "openai")).code());
    }
}
