package dev.refinery.ingest.rest;

import dev.refinery.ingest.mapping.DatasetMapper;
import dev.refinery.ingest.service.DatasetService;
import io.smallrye.common.annotation.Blocking;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;

import java.io.InputStream;
import java.net.URI;
import java.util.List;

/** Datasets: upload a JSONL file (streamed), read what was stored. */
@Path("/datasets")
@Produces(MediaType.APPLICATION_JSON)
public class DatasetResource {

    @Inject
    DatasetService datasets;

    @POST
    @Blocking
    @Consumes({"application/x-ndjson", "application/jsonl", "application/json-lines", MediaType.TEXT_PLAIN, MediaType.APPLICATION_OCTET_STREAM})
    @Operation(summary = "Upload a JSONL dataset", description = "The body is the raw file, streamed to object storage. "
            + "Repeat a request with the same Idempotency-Key to get the same dataset back instead of a new one.")
    public Response upload(@QueryParam("name") @Parameter(description = "a name for the dataset") String name,
                           @HeaderParam("Content-Type") String contentType,
                           @HeaderParam("Idempotency-Key") String idempotencyKey,
                           InputStream body) {
        DatasetService.Upload upload = datasets.upload(name, contentType, idempotencyKey, body);
        DatasetView view = DatasetMapper.toView(upload.dataset());
        return upload.created()
                ? Response.created(URI.create("/datasets/" + view.id())).entity(view).build()
                : Response.ok(view).build();
    }

    @GET
    @Path("/{id}")
    @Operation(summary = "A dataset's stored file: size, lines, sha256")
    public DatasetView get(@PathParam("id") String id) {
        return DatasetMapper.toView(datasets.get(id));
    }

    @GET
    @Operation(summary = "The most recent datasets")
    public List<DatasetView> list(@QueryParam("limit") @DefaultValue("50") int limit) {
        return datasets.list(Math.max(1, Math.min(limit, 500))).stream().map(DatasetMapper::toView).toList();
    }
}
