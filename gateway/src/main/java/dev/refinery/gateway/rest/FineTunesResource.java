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
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.parameters.RequestBody;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import java.io.InputStream;

/** Fine-tuning jobs (training-service's jobs). */
@Path("/v1/fine-tunes")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "fine-tunes")
@Blocking
public class FineTunesResource {

    @Inject
    UpstreamClient upstreams;

    @POST
    @Consumes(MediaType.WILDCARD)
    @Audited("job.created")
    @Operation(summary = "Start a fine-tuning job", description = "The job specification (JSON) goes to training-service as sent. "
            + "Repeat a request with the same Idempotency-Key to get the same job back.")
    @RequestBody(content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(type = SchemaType.OBJECT)))
    public Response create(@HeaderParam("Content-Type") String contentType,
                           @HeaderParam("Idempotency-Key") @Parameter(description = "makes a retried submission safe") String idempotencyKey,
                           @Context UriInfo uri,
                           InputStream body) {
        UpstreamCall call = UpstreamCall.post(Upstream.TRAINING, "/jobs")
                .query(uri.getRequestUri().getRawQuery())
                .header("Content-Type", contentType)
                .header("Idempotency-Key", idempotencyKey);
        return Relay.of(upstreams.send(call, new UpstreamCall.Body(body, -1)));
    }

    @GET
    @Operation(summary = "Fine-tuning jobs")
    public Response list(@Context UriInfo uri) {
        return relay(UpstreamCall.get(Upstream.TRAINING, "/jobs"), uri);
    }

    @GET
    @Path("/{id}")
    @Operation(summary = "A fine-tuning job")
    public Response get(@PathParam("id") String id, @Context UriInfo uri) {
        return relay(UpstreamCall.get(Upstream.TRAINING, "/jobs/{}", id), uri);
    }

    @GET
    @Path("/{id}/metrics")
    @Operation(summary = "A job's training metrics (loss per step)")
    public Response metrics(@PathParam("id") String id, @Context UriInfo uri) {
        return relay(UpstreamCall.get(Upstream.TRAINING, "/jobs/{}/metrics", id), uri);
    }

    @GET
    @Path("/{id}/events")
    @Operation(summary = "A job's event log (state changes, messages)")
    public Response events(@PathParam("id") String id, @Context UriInfo uri) {
        return relay(UpstreamCall.get(Upstream.TRAINING, "/jobs/{}/events", id), uri);
    }

    @GET
    @Path("/{id}/checkpoints")
    @Operation(summary = "A job's checkpoints (step, where it is)")
    public Response checkpoints(@PathParam("id") String id, @Context UriInfo uri) {
        return relay(UpstreamCall.get(Upstream.TRAINING, "/jobs/{}/checkpoints", id), uri);
    }

    @POST
    @Path("/{id}/cancel")
    @Audited("job.cancelled")
    @Operation(summary = "Cancel a job", description = "A queued job is cancelled at once; a provider job is asked to stop (CANCELLING, then CANCELLED).")
    public Response cancel(@PathParam("id") String id, @Context UriInfo uri) {
        return relay(UpstreamCall.post(Upstream.TRAINING, "/jobs/{}/cancel", id), uri);
    }

    @POST
    @Path("/{id}/pause")
    @Audited("job.paused")
    @Operation(summary = "Pause a provider job (OpenAI)", description = "The job stays RUNNING with provider.rawStatus 'paused'; "
            + "409 JOB_PAUSE_UNSUPPORTED on a backend without pause, JOB_NOT_PAUSABLE for a job not RUNNING or already paused.")
    public Response pause(@PathParam("id") String id, @Context UriInfo uri) {
        return relay(UpstreamCall.post(Upstream.TRAINING, "/jobs/{}/pause", id), uri);
    }

    @POST
    @Path("/{id}/resume")
    @Audited("job.resumed")
    @Operation(summary = "Resume a paused provider job (OpenAI)", description = "409 JOB_NOT_PAUSED for a job that is not paused.")
    public Response resume(@PathParam("id") String id, @Context UriInfo uri) {
        return relay(UpstreamCall.post(Upstream.TRAINING, "/jobs/{}/resume", id), uri);
    }

    @POST
    @Path("/{id}/download")
    @Audited("job.weights-downloaded")
    @Operation(summary = "Copy a provider job's trained weights into the bucket (Together); the job's events say where")
    public Response download(@PathParam("id") String id, @Context UriInfo uri) {
        return relay(UpstreamCall.post(Upstream.TRAINING, "/jobs/{}/download", id), uri);
    }

    @POST
    @Path("/{id}/rerun")
    @Consumes(MediaType.WILDCARD)
    @Audited("job.rerun")
    @Operation(summary = "Run a job again as a new job: the same specification, here or on another backend",
            description = "No body: the same request again. With {\"backend\": ..., \"baseModel\": ...}: the same dataset, method and "
                    + "hyperparameters on that backend and model (moving a model to another provider); training-service checks it like "
                    + "any new job. The body goes to training-service as sent.")
    @RequestBody(required = false, content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(type = SchemaType.OBJECT)))
    public Response rerun(@PathParam("id") String id, @HeaderParam("Content-Type") String contentType, @Context UriInfo uri, InputStream body) {
        UpstreamCall call = UpstreamCall.post(Upstream.TRAINING, "/jobs/{}/rerun", id)
                .query(uri.getRequestUri().getRawQuery())
                .header("Content-Type", contentType);
        return Relay.of(upstreams.send(call, new UpstreamCall.Body(body, -1)));
    }

    private Response relay(UpstreamCall call, UriInfo uri) {
        return Relay.of(upstreams.send(call.query(uri.getRequestUri().getRawQuery())));
    }
}
