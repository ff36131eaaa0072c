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

/** Continuous fine-tuning pipelines (training-service): a collection's versions trained, evaluated and promoted on their own. */
@Path("/v1/pipelines")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "pipelines")
@Blocking
public class PipelinesResource {

    @Inject
    UpstreamClient upstreams;

    @POST
    @Consumes(MediaType.WILDCARD)
    @Audited("pipeline.created")
    @Operation(summary = "Create a pipeline: {\"name\", \"collectionId\", \"template\": {...}, \"continueFrom\", \"maxAttempts\", \"budget\"}",
            description = "Every version sealed from the collection and validated runs: a job from the template, an evaluation against "
                    + "the base model and the champion, the project's promotion policy.")
    @RequestBody(content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(type = SchemaType.OBJECT)))
    public Response create(@HeaderParam("Content-Type") String contentType, InputStream body) {
        return send(UpstreamCall.post(Upstream.TRAINING, "/pipelines"), contentType, body);
    }

    @GET
    @Operation(summary = "The project's pipelines, each with its newest run")
    public Response list() {
        return Relay.of(upstreams.send(UpstreamCall.get(Upstream.TRAINING, "/pipelines")));
    }

    @GET
    @Path("/{id}")
    @Operation(summary = "A pipeline, with its newest run")
    public Response get(@PathParam("id") String id) {
        return Relay.of(upstreams.send(UpstreamCall.get(Upstream.TRAINING, "/pipelines/{}", id)));
    }

    @PUT
    @Path("/{id}")
    @Consumes(MediaType.WILDCARD)
    @Audited("pipeline.changed")
    @Operation(summary = "Change a pipeline's settings: the body of a create (collectionId may be left out and cannot change)",
            description = "Checked as a create, all or nothing; a run under way goes on, later attempts and runs take the new settings.")
    @RequestBody(content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(type = SchemaType.OBJECT)))
    public Response update(@PathParam("id") String id, @HeaderParam("Content-Type") String contentType, InputStream body) {
        return send(UpstreamCall.put(Upstream.TRAINING, "/pipelines/{}", id), contentType, body);
    }

    @GET
    @Path("/{id}/runs")
    @Operation(summary = "A pipeline's runs, newest first: version, job, evaluation, decision and the policy's reasons")
    public Response runs(@PathParam("id") String id, @Context UriInfo uri) {
        return Relay.of(upstreams.send(UpstreamCall.get(Upstream.TRAINING, "/pipelines/{}/runs", id).query(uri.getRequestUri().getRawQuery())));
    }

    @POST
    @Path("/{id}/runs")
    @Consumes(MediaType.WILDCARD)
    @Audited("pipeline.run")
    @Operation(summary = "Run a pipeline by hand: on {\"datasetId\"} or, without a body, on its collection's newest version")
    @RequestBody(required = false, content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(type = SchemaType.OBJECT)))
    public Response run(@PathParam("id") String id, @HeaderParam("Content-Type") String contentType, InputStream body) {
        return send(UpstreamCall.post(Upstream.TRAINING, "/pipelines/{}/runs", id), contentType, body);
    }

    @POST
    @Path("/{id}/pause")
    @Audited("pipeline.paused")
    @Operation(summary = "Pause a pipeline: nothing new starts (a run under way goes on to its end)")
    public Response pause(@PathParam("id") String id) {
        return Relay.of(upstreams.send(UpstreamCall.post(Upstream.TRAINING, "/pipelines/{}/pause", id)));
    }

    @POST
    @Path("/{id}/resume")
    @Audited("pipeline.resumed")
    @Operation(summary = "Resume a pipeline: its newest queued run starts")
    public Response resume(@PathParam("id") String id) {
        return Relay.of(upstreams.send(UpstreamCall.post(Upstream.TRAINING, "/pipelines/{}/resume", id)));
    }

    private Response send(UpstreamCall call, String contentType, InputStream body) {
        return Relay.of(upstreams.send(call.header("Content-Type", contentType), new UpstreamCall.Body(body, -1)));
    }
}
