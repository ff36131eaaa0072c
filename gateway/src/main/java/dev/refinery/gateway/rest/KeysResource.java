package dev.refinery.gateway.rest;

import dev.refinery.gateway.auth.Audited;
import dev.refinery.gateway.auth.GatewayCaller;
import dev.refinery.gateway.auth.RequiredScope;
import dev.refinery.gateway.identity.ApiKey;
import dev.refinery.gateway.identity.ApiKeys;
import dev.refinery.identity.Scope;
import dev.refinery.kit.problem.ApiException;
import io.smallrye.common.annotation.Blocking;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import java.net.URI;
import java.util.List;

/** API keys of the caller's project (the operator: of any project, with ?project= or project): admin keys only. */
@Path("/v1/keys")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "keys")
@RequiredScope(Scope.ADMIN)
@Blocking
public class KeysResource {

    private static final int MAX_NAME = 200;

    @Inject
    ApiKeys keys;

    @Inject
    GatewayCaller caller;

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @Audited("key.created")
    @Operation(summary = "Create an API key", description = "The answer holds the key itself, the only time it is shown; it is stored "
            + "as a hash. scope: read, write or admin. expiresAt (optional): when it stops working. requestsPerMinute (optional): its own "
            + "rate. project (optional, the operator only): another project.")
    public Response create(KeyViews.KeyRequest request) {
        if (request == null) {
            throw ApiException.badRequest("KEY_REQUEST_INVALID", "send {\"name\": ..., \"scope\": \"read|write|admin\"}");
        }
        String name = request.name() == null ? "" : request.name().strip();
        if (name.isEmpty() || name.length() > MAX_NAME) {
            throw ApiException.badRequest("KEY_NAME_INVALID", "name is required, at most " + MAX_NAME + " characters").with("field", "name");
        }
        Scope scope = Scope.parse(request.scope()).orElseThrow(() ->
                ApiException.badRequest("KEY_SCOPE_INVALID", "scope must be read, write or admin").with("field", "scope"));
        ApiKeys.CreatedKey created = keys.create(caller.get(), request.project(), name, scope, request.expiresAt(), request.requestsPerMinute());
        caller.auditFor(created.key().projectId);
        return Response.created(URI.create("/v1/keys/" + created.key().id))
                .entity(KeyViews.CreatedKeyView.of(created.key(), created.plaintext())).build();
    }

    @GET
    @Operation(summary = "The keys of the caller's project (or of ?project=), newest first; never their secrets")
    public List<KeyViews.KeyView> list(@QueryParam("project") @Parameter(description = "another project (the operator only)")
                                       String project) {
        return keys.list(caller.get(), project).stream().map(KeyViews.KeyView::of).toList();
    }

    @DELETE
    @Path("/{id}")
    @Audited("key.revoked")
    @Operation(summary = "Revoke a key", description = "It stops working at once on this gateway (within refinery.auth.cache-ttl on "
            + "other replicas). Revoking a revoked key again is fine.")
    public KeyViews.KeyView revoke(@PathParam("id") String id) {
        ApiKey revoked = keys.revoke(caller.get(), id);
        caller.auditFor(revoked.projectId);
        return KeyViews.KeyView.of(revoked);
    }
}
