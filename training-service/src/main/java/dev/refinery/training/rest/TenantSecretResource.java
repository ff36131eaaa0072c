package dev.refinery.training.rest;

import dev.refinery.identity.Scope;
import dev.refinery.kit.auth.CurrentCaller;
import dev.refinery.kit.problem.ApiException;
import dev.refinery.training.backend.Backends;
import dev.refinery.training.service.ProviderCredentials;
import io.smallrye.common.annotation.Blocking;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.eclipse.microprofile.openapi.annotations.Operation;

import java.time.OffsetDateTime;

/** A tenant's provider keys: stored encrypted, never returned (only whether one is stored, and since when). */
@Path("/tenants/{tenant}/secrets/{provider}")
@Produces(MediaType.APPLICATION_JSON)
@Blocking
public class TenantSecretResource {

    @Inject
    ProviderCredentials credentials;

    @Inject
    CurrentCaller caller;

    /** The body of a PUT; {@code accountId} for Fireworks only. Its toString never shows the key. */
    public record SecretRequest(String apiKey, String accountId) {
        @Override
        public String toString() {
            return "SecretRequest[apiKey=****, accountId=" + accountId + "]";
        }
    }

    /** What is shown about a stored key: that it is there. */
    public record SecretStatus(String tenant, String provider, boolean stored, OffsetDateTime updatedAt) {
    }

    @PUT
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Store a tenant's API key for a provider (encrypted; never returned)")
    public SecretStatus put(@PathParam("tenant") String tenant, @PathParam("provider") String provider, SecretRequest body) {
        String t = own(tenant);
        credentials.store(t, checkProvider(provider), body == null ? null : body.apiKey(), body == null ? null : body.accountId());
        return status(t, provider);
    }

    @GET
    @Operation(summary = "Whether a tenant has a key stored for a provider (the key itself is never returned)")
    public SecretStatus get(@PathParam("tenant") String tenant, @PathParam("provider") String provider) {
        checkProvider(provider);
        return status(own(tenant), provider);
    }

    @DELETE
    @Operation(summary = "Forget a tenant's key for a provider")
    public Response delete(@PathParam("tenant") String tenant, @PathParam("provider") String provider) {
        checkProvider(provider);
        credentials.delete(own(tenant), provider);
        return Response.noContent().build();
    }

    /** Only the caller's own tenant: another answers 404, as one that does not exist. */
    private String own(String tenant) {
        caller.requireScope(Scope.ADMIN);
        if (!caller.tenant().equals(tenant)) {
            throw ApiException.notFound("TENANT_NOT_FOUND", "no tenant " + (tenant.length() > 100 ? tenant.substring(0, 100) + "..." : tenant));
        }
        return tenant;
    }

    private SecretStatus status(String tenant, String provider) {
        var at = credentials.storedAt(tenant, provider);
        return new SecretStatus(tenant, provider, at.isPresent(), at.orElse(null));
    }

    private static Backends.Hosted checkProvider(String provider) {
        return Backends.hosted(provider).orElseThrow(() -> ApiException.badRequest("TENANT_SECRET_PROVIDER_UNKNOWN",
                "provider must be one of " + Backends.keyed()).with("field", "provider"));
    }
}
