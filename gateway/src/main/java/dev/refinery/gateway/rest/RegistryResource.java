package dev.refinery.gateway.rest;

import dev.refinery.gateway.auth.Audited;
import dev.refinery.gateway.client.Upstream;
import dev.refinery.gateway.client.UpstreamCall;
import dev.refinery.gateway.client.UpstreamClient;
import io.smallrye.common.annotation.Blocking;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.enums.SchemaType;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.RequestBody;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import java.io.InputStream;

/**
 * The model registry (eval-service's): versions and their lineage, aliases such as {@code champion}, promotion, rollback and
 * the promotion policy. Under /v1/registry, because /v1/models is the OpenAI-compatible list of served models.
 */
@Path("/v1/registry")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "registry")
@Blocking
public class RegistryResource {

    @Inject
    UpstreamClient upstreams;

    @GET
    @Path("/models")
    @Operation(summary = "The project's model versions, newest first, with the aliases that name them")
    public Response versions(@Context UriInfo uri) {
        return relay(UpstreamCall.get(Upstream.EVAL, "/registry/models"), uri);
    }

    @POST
    @Path("/models")
    @Consumes(MediaType.WILDCARD)
    @Audited("model.registered")
    @Operation(summary = "Register a model an OpenAI-compatible server of this deployment answers (vLLM, TGI): "
            + "{\"endpoint\", \"model\", \"baseModel\"}")
    @RequestBody(content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(type = SchemaType.OBJECT)))
    public Response register(@HeaderParam("Content-Type") String contentType, InputStream body) {
        return send(UpstreamCall.post(Upstream.EVAL, "/registry/models"), contentType, body);
    }

    @GET
    @Path("/models/{id}")
    @Operation(summary = "A model version with its lineage: dataset, job, artifact, evaluations, promotions")
    public Response version(@PathParam("id") String id, @Context UriInfo uri) {
        return relay(UpstreamCall.get(Upstream.EVAL, "/registry/models/{}", id), uri);
    }

    @GET
    @Path("/aliases")
    @Operation(summary = "The project's aliases and the versions they name")
    public Response aliases(@Context UriInfo uri) {
        return relay(UpstreamCall.get(Upstream.EVAL, "/registry/aliases"), uri);
    }

    @GET
    @Path("/aliases/{alias}")
    @Operation(summary = "An alias, the version it names, and its history: who moved it, when, why")
    public Response alias(@PathParam("alias") String alias, @Context UriInfo uri) {
        return relay(UpstreamCall.get(Upstream.EVAL, "/registry/aliases/{}", alias), uri);
    }

    @PUT
    @Path("/aliases/{alias}")
    @Consumes(MediaType.WILDCARD)
    @Audited("model.promoted")
    @Operation(summary = "Point an alias at a version: {\"version\", \"reason\", \"evaluationId\"}")
    @RequestBody(content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(type = SchemaType.OBJECT)))
    public Response promote(@PathParam("alias") String alias, @HeaderParam("Content-Type") String contentType, InputStream body) {
        return send(UpstreamCall.put(Upstream.EVAL, "/registry/aliases/{}", alias), contentType, body);
    }

    @POST
    @Path("/aliases/{alias}/rollback")
    @Consumes(MediaType.WILDCARD)
    @Audited("model.rolled-back")
    @Operation(summary = "Give an alias back to the version that held it before: {\"reason\"}")
    @RequestBody(content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(type = SchemaType.OBJECT)))
    public Response rollback(@PathParam("alias") String alias, @HeaderParam("Content-Type") String contentType, InputStream body) {
        return send(UpstreamCall.post(Upstream.EVAL, "/registry/aliases/{}/rollback", alias), contentType, body);
    }

    @GET
    @Path("/policy")
    @Operation(summary = "The project's promotion policy")
    public Response policy(@Context UriInfo uri) {
        return relay(UpstreamCall.get(Upstream.EVAL, "/registry/policy"), uri);
    }

    @PUT
    @Path("/policy")
    @Consumes(MediaType.WILDCARD)
    @Audited("policy.changed")
    @Operation(summary = "Change the promotion policy (admin): metric, margin, lossMargin, alias, autoPromote")
    @RequestBody(content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(type = SchemaType.OBJECT)))
    public Response updatePolicy(@HeaderParam("Content-Type") String contentType, InputStream body) {
        return send(UpstreamCall.put(Upstream.EVAL, "/registry/policy"), contentType, body);
    }

    private Response send(UpstreamCall call, String contentType, InputStream body) {
        return Relay.of(upstreams.send(call.header("Content-Type", contentType), new UpstreamCall.Body(body, -1)));
    }

    private Response relay(UpstreamCall call, UriInfo uri) {
        return Relay.of(upstreams.send(call.query(uri.getRequestUri().getRawQuery())));
    }
}
