package dev.refinery.gateway.rest;

import dev.refinery.gateway.auth.Audited;
import dev.refinery.gateway.auth.GatewayCaller;
import dev.refinery.gateway.auth.RequiredScope;
import dev.refinery.gateway.client.Upstream;
import dev.refinery.gateway.client.UpstreamCall;
import dev.refinery.gateway.client.UpstreamClient;
import dev.refinery.identity.Scope;
import dev.refinery.kit.problem.ApiException;
import io.smallrye.common.annotation.Blocking;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import java.io.InputStream;

/**
 * A tenant's provider API keys (training-service stores them encrypted and never returns them). Admin keys only, and only
 * for their own project: another tenant in the path answers 404, as a tenant that does not exist.
 */
@Path("/v1/tenants/{tenant}/secrets/{provider}")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "tenants")
@RequiredScope(Scope.ADMIN)
@Blocking
public class TenantsResource {

    @Inject
    UpstreamClient upstreams;

    @Inject
    GatewayCaller caller;

    @PUT
    @Consumes(MediaType.WILDCARD)
    @Audited("secret.set")
    @Operation(summary = "Store a provider API key for a tenant (encrypted; never returned)")
    public Response put(@PathParam("tenant") String tenant, @PathParam("provider") String provider,
                        @HeaderParam("Content-Type") String contentType, InputStream body) {
        requireOwn(tenant);
        UpstreamCall call = UpstreamCall.put(Upstream.TRAINING, "/tenants/{}/secrets/{}", tenant, provider).header("Content-Type", contentType);
        return Relay.of(upstreams.send(call, new UpstreamCall.Body(body, -1)));
    }

    @GET
    @Operation(summary = "Whether a key is stored, and when (never the key)")
    public Response get(@PathParam("tenant") String tenant, @PathParam("provider") String provider) {
        requireOwn(tenant);
        return Relay.of(upstreams.send(UpstreamCall.get(Upstream.TRAINING, "/tenants/{}/secrets/{}", tenant, provider)));
    }

    @DELETE
    @Audited("secret.deleted")
    @Operation(summary = "Forget a tenant's provider key")
    public Response delete(@PathParam("tenant") String tenant, @PathParam("provider") String provider) {
        requireOwn(tenant);
        return Relay.of(upstreams.send(UpstreamCall.delete(Upstream.TRAINING, "/tenants/{}/secrets/{}", tenant, provider)));
    }

    private void requireOwn(String tenant) {
        if (!caller.get().project().equals(tenant)) {
            throw ApiException.notFound("TENANT_NOT_FOUND", "no tenant " + tenant);
        }
    }
}
