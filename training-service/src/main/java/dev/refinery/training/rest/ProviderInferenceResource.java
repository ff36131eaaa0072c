package dev.refinery.training.rest;

import dev.refinery.identity.Tenants;
import dev.refinery.kit.auth.CurrentCaller;
import dev.refinery.kit.problem.ApiException;
import dev.refinery.training.serving.ProviderInference;
import io.smallrye.common.annotation.Blocking;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.eclipse.microprofile.openapi.annotations.Operation;

import java.util.regex.Pattern;

/**
 * For Refinery's own services only (inference-service; never routed by the gateway): a completion from a provider with a
 * project's key, which never leaves this service.
 */
@Path("/internal/providers/{provider}")
@Blocking
public class ProviderInferenceResource {

    private static final Pattern TENANT = Pattern.compile("^[A-Za-z0-9._-]{1,100}$");

    @Inject
    ProviderInference inference;

    @Inject
    CurrentCaller caller;

    @POST
    @Path("/chat/completions")
    @Consumes(MediaType.WILDCARD)
    @Produces({MediaType.APPLICATION_JSON, MediaType.SERVER_SENT_EVENTS})
    @Operation(summary = "A chat completion from a provider with a project's key (services only)")
    public Response chat(@PathParam("provider") String provider, @QueryParam("tenant") String tenant, byte[] body) {
        return inference.ask(provider, tenant(tenant), "/chat/completions", body);
    }

    @POST
    @Path("/completions")
    @Consumes(MediaType.WILDCARD)
    @Produces({MediaType.APPLICATION_JSON, MediaType.SERVER_SENT_EVENTS})
    @Operation(summary = "A text completion from a provider with a project's key (services only)")
    public Response complete(@PathParam("provider") String provider, @QueryParam("tenant") String tenant, byte[] body) {
        return inference.ask(provider, tenant(tenant), "/completions", body);
    }

    private String tenant(String tenant) {
        caller.requireService();
        if (tenant == null || !TENANT.matcher(tenant).matches()) {
            throw ApiException.badRequest("TENANT_INVALID", "name the project whose key to use: ?tenant= (1-100 of A-Za-z0-9._-)")
                    .with("field", "tenant");
        }
        return Tenants.ofEvent(tenant);
    }
}
