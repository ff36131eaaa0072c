package dev.refinery.gateway.rest;

import dev.refinery.gateway.client.Upstream;
import dev.refinery.gateway.client.UpstreamCall;
import dev.refinery.gateway.client.UpstreamClient;
import io.smallrye.common.annotation.Blocking;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
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

/** Cost estimates of fine-tuning jobs (validation-service, which holds the datasets' token counts). */
@Path("/v1/estimates")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "estimates")
@Blocking
public class EstimatesResource {

    @Inject
    UpstreamClient upstreams;

    @POST
    @Consumes(MediaType.WILDCARD)
    @Operation(summary = "Estimate what a fine-tuning job costs", description = "JSON: backend, model, optional trainingType, method, "
            + "epochs, evaluations; and either datasetId (token counts from its validation report) or trainingTokens (with optional "
            + "validationTokens, examples, relativeError). Answers low/expected/high with billed tokens, rate, price source and "
            + "assumptions; priced=false with the reason when the catalog has no price.")
    @RequestBody(content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(type = SchemaType.OBJECT)))
    public Response estimate(@HeaderParam("Content-Type") String contentType, InputStream body) {
        UpstreamCall call = UpstreamCall.post(Upstream.VALIDATION, "/estimates").header("Content-Type", contentType);
        return Relay.of(upstreams.send(call, new UpstreamCall.Body(body, -1)));
    }
}
