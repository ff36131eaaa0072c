package dev.refinery.gateway.auth;

import dev.refinery.gateway.identity.AuthConfig;
import dev.refinery.kit.problem.ApiException;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class UploadSlotsTest {

    private final UploadSlots slots = new UploadSlots();

    UploadSlotsTest() {
        slots.config = new AuthConfig() {
            public Optional<String> bootstrapKey() {
                return Optional.empty();
            }

            public Duration cacheTtl() {
                return Duration.ofSeconds(5);
            }

            public int requestsPerMinute() {
                return 600;
            }

            public java.util.Map<String, OidcProvider> oidc() {
                return java.util.Map.of();
            }

            public Uploads uploads() {
                return new Uploads() {
                    public int perTenant() {
                        return 2;
                    }

                    public int total() {
                        return 3;
                    }
                };
            }
        };
    }

    @Test
    void aProjectOverItsShareGets429AndAFullReplica503UntilASlotIsGivenBack() {
        UploadSlots.Slot a1 = slots.take("a");
        UploadSlots.Slot a2 = slots.take("a");
        ApiException tooMany = assertThrows(ApiException.class, () -> slots.take("a"));
        assertEquals(429, tooMany.status());
        assertEquals("UPLOADS_TOO_MANY", tooMany.code());
        UploadSlots.Slot b1 = slots.take("b");
        ApiException busy = assertThrows(ApiException.class, () -> slots.take("b"));
        assertEquals(503, busy.status());
        assertEquals("UPLOADS_BUSY", busy.code());
        a1.close();
        slots.take("b").close(); // a slot given back is free again, for anyone
        a2.close();
        b1.close();
        slots.take("a").close();
    }
}
