package dev.refinery.identity;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Base64;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class IdentityTokensTest {

    private static final String KEY = "0123456789abcdef0123456789abcdef-test";
    private final IdentityTokens tokens = new IdentityTokens(KEY, "gateway", Duration.ofSeconds(60));

    @Test
    void aTenantCallerComesBackAsItWasSigned() {
        Caller caller = tokens.verify(tokens.mint(Caller.tenant("acme", Scope.WRITE, "rfy_AbCd1234")));
        assertEquals(Caller.tenant("acme", Scope.WRITE, "rfy_AbCd1234"), caller);
        assertTrue(caller.may(Scope.READ));
        assertTrue(!caller.may(Scope.ADMIN));
    }

    @Test
    void aServiceCallerHasNoTenant() {
        Caller caller = tokens.verify(tokens.mint(Caller.service("validation-service")));
        assertTrue(caller.isService());
        assertEquals("validation-service", caller.subject());
    }

    @Test
    void aMissingTokenIsRequiredAndEveryBadOneIsInvalid() {
        assertEquals("IDENTITY_REQUIRED", assertThrows(InvalidIdentityException.class, () -> tokens.verify(null)).code());
        assertEquals("IDENTITY_REQUIRED", assertThrows(InvalidIdentityException.class, () -> tokens.verify(" ")).code());
        String good = tokens.mint(Caller.tenant("acme", Scope.READ, "k"));
        IdentityTokens otherDeployment = new IdentityTokens("another-deployment-key-0123456789abcdef", "gateway", Duration.ofSeconds(60));
        String[] parts = good.split("\\.");
        String otherTenantPayload = Base64.getUrlEncoder().withoutPadding().encodeToString(
                new String(Base64.getUrlDecoder().decode(parts[1]), StandardCharsets.UTF_8).replace("acme", "evil").getBytes(StandardCharsets.UTF_8));
        String noneHeader = Base64.getUrlEncoder().withoutPadding().encodeToString("{\"alg\":\"none\"}".getBytes(StandardCharsets.UTF_8));
        IdentityTokens past = new IdentityTokens(KEY, "gateway", Duration.ofSeconds(60),
                Clock.fixed(Instant.now().minus(Duration.ofMinutes(5)), ZoneOffset.UTC));
        for (String bad : new String[]{
                "not-a-token",
                otherDeployment.mint(Caller.tenant("acme", Scope.READ, "k")),   // signed with another key
                parts[0] + "." + otherTenantPayload + "." + parts[2],            // payload changed after signing
                noneHeader + "." + parts[1] + ".",                               // alg: none
                past.mint(Caller.tenant("acme", Scope.READ, "k")),              // expired
                good + "x".repeat(5000)}) {                                     // oversized
            assertEquals("IDENTITY_INVALID", assertThrows(InvalidIdentityException.class, () -> tokens.verify(bad)).code(), bad);
        }
    }

    @Test
    void aShortSigningKeyIsRefusedAtStart() {
        assertThrows(IllegalArgumentException.class, () -> new IdentityTokens("short", "gateway", Duration.ofSeconds(60)));
    }
}
