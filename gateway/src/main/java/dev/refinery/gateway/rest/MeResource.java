package dev.refinery.gateway.rest;

import dev.refinery.gateway.auth.GatewayCaller;
import dev.refinery.gateway.identity.Identity;
import io.smallrye.common.annotation.Blocking;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/** Who the presented key is: to check a configuration. */
@Path("/v1/me")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "keys")
@Blocking
public class MeResource {

    record MeView(String keyPrefix, String project, String organization, String scope) {
    }

    @Inject
    GatewayCaller caller;

    @GET
    @Operation(summary = "The caller's key prefix, project, organization and scope")
    public MeView me() {
        Identity i = caller.get();
        return new MeView(i.keyPrefix(), i.project(), i.organization(), i.scope().wireName());
    }
}
