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
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.parameters.RequestBody;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import java.io.InputStream;

/**
 * Collections of producers' examples (ingest-service): create and read them, send examples in batches, read the rejection
 * log, seal versions. Producers on Kafka write to the examples topic instead (docs/collections.md); both end in the same check.
 */
@Path("/v1/collections")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "collections")
@Blocking
public class CollectionsResource {

    @Inject
    UpstreamClient upstreams;

    @Inject
    GatewayConfig config;

    @POST
    @Consumes(MediaType.WILDCARD)
    @Audited("collection.created")
    @Operation(summary = "Create a collection: {\"name\", and optional check options as an upload's}",
            description = "target, model, splits, dedup, overContext, epochs, evals, testSet: every example sent to the collection is "
                    + "validated with them on arrival. A bad option is a 400 naming the field.")
    @RequestBody(content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(type = SchemaType.OBJECT)))
    public Response create(@HeaderParam("Content-Type") String contentType, InputStream body) {
        UpstreamCall call = UpstreamCall.post(Upstream.INGEST, "/collections").header("Content-Type", contentType);
        return Relay.of(upstreams.send(call, new UpstreamCall.Body(body, -1)));
    }

    @GET
    @Operation(summary = "The project's collections, newest first")
    @Parameter(name = "limit", in = ParameterIn.QUERY, description = "at most this many (default 50)")
    public Response list(@Context UriInfo uri) {
        return Relay.of(upstreams.send(UpstreamCall.get(Upstream.INGEST, "/collections").query(uri.getRequestUri().getRawQuery())));
    }

    @GET
    @Path("/{id}")
    @Operation(summary = "A collection: check options, examples stored, examples refused")
    public Response get(@PathParam("id") String id) {
        return Relay.of(upstreams.send(UpstreamCall.get(Upstream.INGEST, "/collections/{}", id)));
    }

    @GET
    @Path("/{id}/rejections")
    @Operation(summary = "The collection's rejection log, newest first", description = "Each refused example: producer, idempotency id, "
            + "kafka or http, when, and every reason with rule code, JSON path, message and hint.")
    @Parameter(name = "limit", in = ParameterIn.QUERY, description = "page size (default 100)")
    @Parameter(name = "before", in = ParameterIn.QUERY, description = "only entries older than this id (the last one of a page)")
    public Response rejections(@PathParam("id") String id, @Context UriInfo uri) {
        return Relay.of(upstreams.send(UpstreamCall.get(Upstream.INGEST, "/collections/{}/rejections", id)
                .query(uri.getRequestUri().getRawQuery())));
    }

    @POST
    @Path("/{id}/examples")
    @Consumes(MediaType.WILDCARD)
    @Operation(summary = "Send examples to a collection", description = "A JSON array (application/json) or JSONL (application/x-ndjson) "
            + "of {producerId, idempotencyId, example}. Answers each example accepted, duplicate or rejected (with its reasons); a "
            + "malformed batch is a 400 naming the item and field, with nothing kept.")
    @RequestBody(content = {
            @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(type = SchemaType.ARRAY)),
            @Content(mediaType = "application/x-ndjson", schema = @Schema(type = SchemaType.STRING))})
    public Response examples(@PathParam("id") String id, @HeaderParam("Content-Type") String contentType, InputStream body) {
        UpstreamCall call = UpstreamCall.post(Upstream.INGEST, "/collections/{}/examples", id).header("Content-Type", contentType);
        return Relay.of(upstreams.send(call, new UpstreamCall.Body(body, -1)));
    }

    @POST
    @Path("/{id}/seal")
    @Audited("collection.sealed")
    @Operation(summary = "Seal the examples since the last seal into a dataset version", description = "They become an immutable "
            + "dataset, validated like an upload and ready to fine-tune on; the answer is the collection's new version (number, "
            + "dataset, previous version, producers). 422 COLLECTION_NOTHING_TO_SEAL when no example arrived since.")
    @APIResponse(responseCode = "201", description = "sealed; Location names the new dataset")
    public Response seal(@PathParam("id") String id) {
        // The examples stream through ingest-service into object storage, so a large collection takes as long as an upload.
        return Relay.of(upstreams.send(UpstreamCall.post(Upstream.INGEST, "/collections/{}/seal", id), config.uploadTimeout()));
    }

    @GET
    @Path("/{id}/versions")
    @Operation(summary = "The collection's sealed versions, newest first")
    public Response versions(@PathParam("id") String id) {
        return Relay.of(upstreams.send(UpstreamCall.get(Upstream.INGEST, "/collections/{}/versions", id)));
    }
}
