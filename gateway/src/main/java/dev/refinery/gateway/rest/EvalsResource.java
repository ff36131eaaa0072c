package dev.refinery.gateway.rest;

import dev.refinery.gateway.client.Upstream;
import dev.refinery.gateway.client.UpstreamCall;
import dev.refinery.gateway.client.UpstreamClient;
import io.smallrye.common.annotation.Blocking;
import jakarta.inject.Inject;
import dev.refinery.gateway.auth.Audited;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.enums.ParameterIn;
import org.eclipse.microprofile.openapi.annotations.enums.SchemaType;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.RequestBody;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import java.io.InputStream;

/** Evaluations of model versions (eval-service): those finished jobs asked for, and those asked for by hand. */
@Path("/v1/evals")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "evals")
@Blocking
public class EvalsResource {

    @Inject
    UpstreamClient upstreams;

    @GET
    @Operation(summary = "Evaluations, e.g. of one job")
    @Parameter(name = "jobId", in = ParameterIn.QUERY, description = "only the evaluations of this fine-tuning job")
    public Response list(@Context UriInfo uri) {
        return relay(UpstreamCall.get(Upstream.EVAL, "/evals"), uri);
    }

    @POST
    @Consumes(MediaType.WILDCARD)
    @Audited("eval.requested")
    @Operation(summary = "Evaluate a model version by hand: {\"candidate\", \"baseline\", \"datasetId\", \"metric\", \"maxItems\"}",
            description = "Against its base model or another version (ids or aliases); answers 202 with the PENDING evaluation. "
                    + "It reports the policy's outcome and never promotes.")
    @RequestBody(content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(type = SchemaType.OBJECT)))
    public Response create(@HeaderParam("Content-Type") String contentType, InputStream body) {
        UpstreamCall call = UpstreamCall.post(Upstream.EVAL, "/evals").header("Content-Type", contentType);
        return Relay.of(upstreams.send(call, new UpstreamCall.Body(body, -1)));
    }

    @GET
    @Path("/{id}")
    @Operation(summary = "An evaluation: metric for base and candidate, paired confidence interval, verdict")
    public Response get(@PathParam("id") String id, @Context UriInfo uri) {
        return relay(UpstreamCall.get(Upstream.EVAL, "/evals/{}", id), uri);
    }

    @GET
    @Path("/{id}/items")
    @Operation(summary = "An evaluation's items: each held-out request with both answers and scores, in pages")
    @Parameter(name = "limit", in = ParameterIn.QUERY, description = "page size")
    @Parameter(name = "offset", in = ParameterIn.QUERY, description = "items to skip")
    public Response items(@PathParam("id") String id, @Context UriInfo uri) {
        return relay(UpstreamCall.get(Upstream.EVAL, "/evals/{}/items", id), uri);
    }

    private Response relay(UpstreamCall call, UriInfo uri) {
        return Relay.of(upstreams.send(call.query(uri.getRequestUri().getRawQuery())));
    }
}
