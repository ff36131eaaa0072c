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
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.enums.SchemaType;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.RequestBody;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import java.io.InputStream;

/** The project's graders (eval-service): named, versioned checks used as evaluation metrics and promotion gates. */
@Path("/v1/graders")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "graders")
@Blocking
public class GradersResource {

    @Inject
    UpstreamClient upstreams;

    @POST
    @Consumes(MediaType.WILDCARD)
    @Audited("grader.created")
    @Operation(summary = "Create a grader, or its next version: {\"name\", \"kind\", \"config\"}",
            description = "kinds: regex, contains, json_path, json_schema, pairwise_judge")
    @RequestBody(content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(type = SchemaType.OBJECT)))
    public Response create(@HeaderParam("Content-Type") String contentType, InputStream body) {
        UpstreamCall call = UpstreamCall.post(Upstream.EVAL, "/graders").header("Content-Type", contentType);
        return Relay.of(upstreams.send(call, new UpstreamCall.Body(body, -1)));
    }

    @GET
    @Operation(summary = "The project's graders, the newest version of each")
    public Response list() {
        return Relay.of(upstreams.send(UpstreamCall.get(Upstream.EVAL, "/graders")));
    }

    @GET
    @Path("/{name}")
    @Operation(summary = "Every version of a grader, newest first")
    public Response versions(@PathParam("name") String name) {
        return Relay.of(upstreams.send(UpstreamCall.get(Upstream.EVAL, "/graders/{}", name)));
    }
}
