package dev.refinery.gateway.rest;

import dev.refinery.gateway.auth.Audited;
import dev.refinery.gateway.client.Upstream;
import dev.refinery.gateway.client.UpstreamCall;
import dev.refinery.gateway.client.UpstreamClient;
import dev.refinery.gateway.config.GatewayConfig;
import io.smallrye.common.annotation.Blocking;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
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
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.parameters.RequestBody;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import java.io.InputStream;

/**
 * Capture of the project's served traffic and feedback on it (inference-service), opt-in per project: the settings, what was
 * captured, feedback on an answer by its response id, and the export as a dataset (streamed).
 */
@Path("/v1")
@Tag(name = "capture")
@Blocking
public class CaptureResource {

    @Inject
    UpstreamClient upstreams;

    @Inject
    GatewayConfig config;

    @GET
    @Path("/capture/settings")
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(summary = "The project's capture settings: enabled (default false), retentionDays (default 30), redact patterns")
    public Response settings() {
        return Relay.of(upstreams.send(UpstreamCall.get(Upstream.INFERENCE, "/v1/capture/settings")));
    }

    @PUT
    @Path("/capture/settings")
    @Consumes(MediaType.WILDCARD)
    @Produces(MediaType.APPLICATION_JSON)
    @Audited("capture.settings-changed")
    @Operation(summary = "Change the capture settings (admin): {\"enabled\", \"retentionDays\" (1-3650), \"redact\" (up to 20 regular "
            + "expressions, matches stored as [REDACTED])}; absent fields keep their value")
    @RequestBody(content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(type = SchemaType.OBJECT)))
    public Response change(@HeaderParam("Content-Type") String contentType, InputStream body) {
        UpstreamCall call = UpstreamCall.put(Upstream.INFERENCE, "/v1/capture/settings").header("Content-Type", contentType);
        return Relay.of(upstreams.send(call, new UpstreamCall.Body(body, -1)));
    }

    @GET
    @Path("/capture/records")
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(summary = "Captured answers, newest first, each with its feedback")
    @Parameter(name = "limit", in = ParameterIn.QUERY, description = "page size, 1-100 (default 20)")
    @Parameter(name = "offset", in = ParameterIn.QUERY, description = "answers to skip")
    public Response records(@Context UriInfo uri) {
        return Relay.of(upstreams.send(UpstreamCall.get(Upstream.INFERENCE, "/v1/capture/records").query(uri.getRequestUri().getRawQuery())));
    }

    @GET
    @Path("/capture/export")
    @Produces("application/x-ndjson")
    @Operation(summary = "Captured answers with feedback as a dataset (JSONL, streamed): kind=sft (default) or preference",
            description = "sft: corrected answers, and answers rated well (thumbs up, rating 4-5) as they were, as conversations; "
                    + "preference: a correction preferred to a poorly rated answer, and the better-rated of two answers to one prompt. "
                    + "Nothing eligible: 200 with an empty body. Upload it with POST /v1/datasets to validate and train on it.")
    @Parameter(name = "kind", in = ParameterIn.QUERY, description = "sft (default) or preference")
    @Parameter(name = "since", in = ParameterIn.QUERY, description = "answered at or after this ISO-8601 time")
    @Parameter(name = "until", in = ParameterIn.QUERY, description = "answered before this ISO-8601 time")
    public Response export(@Context UriInfo uri) {
        UpstreamCall call = UpstreamCall.get(Upstream.INFERENCE, "/v1/capture/export").query(uri.getRequestUri().getRawQuery());
        return Relay.streamed(upstreams.send(call, config.inferenceTimeout()));
    }

    @POST
    @Path("/feedback")
    @Consumes(MediaType.WILDCARD)
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(summary = "Feedback on a captured answer: {\"responseId\" (the chatcmpl-... id), \"rating\" (1-5), \"thumbs\" (up|down), "
            + "\"correction\"}, at least one of the three; 201, or 200 when it replaces the earlier feedback")
    @RequestBody(content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(type = SchemaType.OBJECT)))
    public Response feedback(@HeaderParam("Content-Type") String contentType, InputStream body) {
        UpstreamCall call = UpstreamCall.post(Upstream.INFERENCE, "/v1/feedback").header("Content-Type", contentType);
        return Relay.of(upstreams.send(call, new UpstreamCall.Body(body, -1)));
    }
}
