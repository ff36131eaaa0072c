package dev.refinery.gateway.rest;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.refinery.gateway.auth.GatewayCaller;
import dev.refinery.gateway.auth.UploadSlots;
import dev.refinery.gateway.client.Upstream;
import dev.refinery.gateway.client.UpstreamCall;
import dev.refinery.gateway.client.UpstreamClient;
import dev.refinery.gateway.config.GatewayConfig;
import dev.refinery.gateway.service.DatasetDetails;
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

/** Datasets (ingest-service), with their validation (validation-service). */
@Path("/v1/datasets")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "datasets")
@Blocking
public class DatasetsResource {

    @Inject
    UpstreamClient upstreams;

    @Inject
    DatasetDetails details;

    @Inject
    GatewayConfig config;

    @Inject
    UploadSlots uploads;

    @Inject
    GatewayCaller caller;

    @POST
    @Consumes(MediaType.WILDCARD)
    @Operation(summary = "Upload a JSONL dataset", description = "The body is the raw file (application/x-ndjson, application/jsonl, "
            + "text/plain or application/octet-stream), streamed through to ingest-service as it arrives. Repeat a request with "
            + "the same Idempotency-Key to get the same dataset back. The check options (all optional, passed on to ingest-service "
            + "as given) say how this dataset is validated; a bad one is a 400 naming the field before anything is stored.")
    @Parameter(name = "name", in = ParameterIn.QUERY, description = "a name for the dataset")
    @Parameter(name = "target", in = ParameterIn.QUERY, description = "check for: local, together, fireworks or openai")
    @Parameter(name = "model", in = ParameterIn.QUERY, description = "catalog model id or alias: tokenizer, context and price of the check")
    @Parameter(name = "splits", in = ParameterIn.QUERY, description = "train/validation[/test] percent, e.g. 90/10 or 80/10/10")
    @Parameter(name = "dedup", in = ParameterIn.QUERY, description = "report, exact or normalized")
    @Parameter(name = "overContext", in = ParameterIn.QUERY, description = "drop, truncate or fail: records over the model's context")
    @Parameter(name = "epochs", in = ParameterIn.QUERY, description = "epochs the report's cost estimate assumes")
    @Parameter(name = "evals", in = ParameterIn.QUERY, description = "evaluation passes the cost estimate assumes")
    @Parameter(name = "testSet", in = ParameterIn.QUERY, description = "id of another dataset whose records are the test split")
    @RequestBody(content = {
            @Content(mediaType = "application/x-ndjson", schema = @Schema(type = SchemaType.STRING, format = "binary")),
            @Content(mediaType = "application/jsonl", schema = @Schema(type = SchemaType.STRING, format = "binary")),
            @Content(mediaType = MediaType.TEXT_PLAIN, schema = @Schema(type = SchemaType.STRING, format = "binary")),
            @Content(mediaType = MediaType.APPLICATION_OCTET_STREAM, schema = @Schema(type = SchemaType.STRING, format = "binary"))})
    @APIResponse(responseCode = "201", description = "stored; Location names the dataset")
    @APIResponse(responseCode = "200", description = "an earlier upload with the same Idempotency-Key")
    public Response upload(@HeaderParam("Content-Type") String contentType,
                           @HeaderParam("Content-Length") String contentLength,
                           @HeaderParam("Idempotency-Key") @Parameter(description = "makes a retried upload safe") String idempotencyKey,
                           @Context UriInfo uri,
                           InputStream body) {
        UpstreamCall call = UpstreamCall.post(Upstream.INGEST, "/datasets")
                .query(uri.getRequestUri().getRawQuery())
                .header("Content-Type", contentType)
                .header("Idempotency-Key", idempotencyKey);
        try (UploadSlots.Slot slot = uploads.take(caller.get().project())) { // before a byte of the body is read
            return Relay.of(upstreams.send(call, new UpstreamCall.Body(body, length(contentLength)), config.uploadTimeout()));
        }
    }

    @GET
    @Operation(summary = "The most recent datasets")
    @Parameter(name = "limit", in = ParameterIn.QUERY, description = "at most this many (default 50)")
    public Response list(@Context UriInfo uri) {
        return Relay.of(upstreams.send(UpstreamCall.get(Upstream.INGEST, "/datasets").query(uri.getRequestUri().getRawQuery())));
    }

    @GET
    @Path("/{id}")
    @Operation(summary = "A dataset and its validation report", description = "ingest-service's record of the file (size, lines, "
            + "sha256) with, under 'validation', the report of validation-service; null while the dataset is not validated yet "
            + "or the report cannot be fetched.")
    public ObjectNode get(@PathParam("id") String id) {
        return details.of(id);
    }

    @GET
    @Path("/{id}/problems")
    @Operation(summary = "The validation problems of a dataset", description = "Every problem validation-service found: line, "
            + "field path, rule code and a hint, in pages.")
    @Parameter(name = "rule", in = ParameterIn.QUERY, description = "only problems of this rule code")
    @Parameter(name = "limit", in = ParameterIn.QUERY, description = "page size")
    @Parameter(name = "offset", in = ParameterIn.QUERY, description = "problems to skip")
    public Response problems(@PathParam("id") String id, @Context UriInfo uri) {
        return Relay.of(upstreams.send(UpstreamCall.get(Upstream.VALIDATION, "/reports/{}/problems", id)
                .query(uri.getRequestUri().getRawQuery())));
    }

    @POST
    @Path("/{id}/clean-version")
    @Operation(summary = "Make a validated dataset's clean subset a dataset of its own", description = "The records that passed "
            + "validation become a new dataset (same name and check options, parentDatasetId = id), validated like an upload. "
            + "201 with the new dataset, 200 with the one made before, 409 DATASET_NOT_VALIDATED while the parent is not checked yet.")
    @APIResponse(responseCode = "201", description = "created; Location names the new dataset")
    public Response cleanVersion(@PathParam("id") String id) {
        // The copy streams through ingest-service, so a large dataset takes as long as an upload would.
        return Relay.of(upstreams.send(UpstreamCall.post(Upstream.INGEST, "/datasets/{}/clean-version", id), config.uploadTimeout()));
    }

    /** The declared body length, so the service sees the same Content-Length; -1 (chunked) when unknown or unreadable. */
    private static long length(String contentLength) {
        if (contentLength == null) {
            return -1;
        }
        try {
            return Long.parseLong(contentLength.strip());
        } catch (NumberFormatException e) {
            return -1;
        }
    }
}
