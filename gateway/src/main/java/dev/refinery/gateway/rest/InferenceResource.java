package dev.refinery.gateway.rest;

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
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.enums.SchemaType;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.RequestBody;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import java.io.InputStream;

/**
 * The OpenAI-compatible door (inference-service): an OpenAI client pointed at {@code <gateway>/v1} with a Refinery key chats
 * with the project's models. Answers and errors pass through as the service gives them (OpenAI's shapes); a streamed answer
 * is relayed piece by piece.
 */
@Path("/v1")
@Tag(name = "inference")
@Blocking
public class InferenceResource {

    @Inject
    UpstreamClient upstreams;

    @Inject
    GatewayConfig config;

    @POST
    @Path("/chat/completions")
    @Consumes(MediaType.WILDCARD)
    @Produces({MediaType.APPLICATION_JSON, MediaType.SERVER_SENT_EVENTS})
    @Operation(summary = "A chat completion, OpenAI-compatible: {\"model\": an alias such as champion, a version, a job or a base "
            + "model, \"messages\", ...}; with \"stream\": true, server-sent events in OpenAI's chunk format")
    @RequestBody(content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(type = SchemaType.OBJECT)))
    public Response chat(@HeaderParam("Content-Type") String contentType, InputStream body) {
        UpstreamCall call = UpstreamCall.post(Upstream.INFERENCE, "/v1/chat/completions").header("Content-Type", contentType);
        return Relay.streamed(upstreams.send(call, new UpstreamCall.Body(body, -1), config.inferenceTimeout()));
    }

    @POST
    @Path("/completions")
    @Consumes(MediaType.WILDCARD)
    @Produces({MediaType.APPLICATION_JSON, MediaType.SERVER_SENT_EVENTS})
    @Operation(summary = "A text completion, OpenAI-compatible: {\"model\", \"prompt\", ...}, the prompt continued as plain text")
    @RequestBody(content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(type = SchemaType.OBJECT)))
    public Response complete(@HeaderParam("Content-Type") String contentType, InputStream body) {
        UpstreamCall call = UpstreamCall.post(Upstream.INFERENCE, "/v1/completions").header("Content-Type", contentType);
        return Relay.streamed(upstreams.send(call, new UpstreamCall.Body(body, -1), config.inferenceTimeout()));
    }

    @GET
    @Path("/models")
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(summary = "The models the project can name, OpenAI-compatible: its aliases, versions and the engine's base models")
    public Response models() {
        return Relay.of(upstreams.send(UpstreamCall.get(Upstream.INFERENCE, "/v1/models")));
    }

    @GET
    @Path("/models/{id}")
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(summary = "One model the project can name, OpenAI-compatible (404 in OpenAI's error shape for any other)")
    public Response model(@PathParam("id") String model) {
        return Relay.of(upstreams.send(UpstreamCall.get(Upstream.INFERENCE, "/v1/models/{}", model)));
    }
}
