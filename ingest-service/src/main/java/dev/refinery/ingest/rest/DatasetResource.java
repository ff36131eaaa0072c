package dev.refinery.ingest.rest;

import dev.refinery.ingest.mapping.DatasetMapper;
import dev.refinery.ingest.service.CheckRequest;
import dev.refinery.ingest.service.CleanVersions;
import dev.refinery.ingest.service.DatasetService;
import dev.refinery.kit.auth.CurrentCaller;
import dev.refinery.kit.reconcile.AnnouncedWindow;
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

/**
 * Datasets: upload a JSONL file (streamed), read what was stored. Every dataset belongs to the tenant of the caller that
 * uploaded it, as the verified identity says (no parameter or header can name another); a tenant sees, uses and derives
 * from its own datasets only, and another tenant's id is answered exactly like an unknown one. Refinery's own services
 * see every tenant's (reconciliation).
 */
@Path("/datasets")
@Produces(MediaType.APPLICATION_JSON)
public class DatasetResource {

    @Inject
    DatasetService datasets;

    @Inject
    CleanVersions cleanVersions;

    @Inject
    CurrentCaller caller;

    @POST
    @Blocking
    @Consumes({"application/x-ndjson", "application/jsonl", "application/json-lines", MediaType.TEXT_PLAIN, MediaType.APPLICATION_OCTET_STREAM})
    @Operation(summary = "Upload a JSONL dataset", description = "The body is the raw file, streamed to object storage. "
            + "Repeat a request with the same Idempotency-Key to get the same dataset back instead of a new one (the same file, "
            + "name and check options; a key used for another request is 422 IDEMPOTENCY_KEY_REUSED). The optional "
            + "check options say how validation-service checks this dataset; any left out take its configured defaults. "
            + "A bad option is refused (400, naming the field and the values allowed) before the file is stored.")
    public Response upload(@QueryParam("name") @Parameter(description = "a name for the dataset") String name,
                           @QueryParam("target") @Parameter(description = "local, together, fireworks or openai") String target,
                           @QueryParam("model") @Parameter(description = "catalog model id or alias (e.g. llama-3.1-8b); without a "
                                   + "target, the backend that has it") String model,
                           @QueryParam("splits") @Parameter(description = "train/validation[/test] percent, e.g. 90/10 or 80/10/10") String splits,
                           @QueryParam("dedup") @Parameter(description = "report, exact or normalized") String dedup,
                           @QueryParam("overContext") @Parameter(description = "drop, truncate or fail: records over the model's context") String overContext,
                           @QueryParam("epochs") @Parameter(description = "epochs the report's cost estimate assumes") String epochs,
                           @QueryParam("evals") @Parameter(description = "evaluation passes the cost estimate assumes") String evals,
                           @QueryParam("testSet") @Parameter(description = "id of another dataset whose records are the test split") String testSet,
                           @HeaderParam("Content-Type") String contentType,
                           @HeaderParam("Idempotency-Key") String idempotencyKey,
                           InputStream body) {
        CheckRequest checks = new CheckRequest(target, model, splits, dedup, overContext, epochs, evals, testSet);
        return answer(datasets.upload(caller.tenant(), name, contentType, idempotencyKey, checks, body));
    }

    @POST
    @Path("/{id}/clean-version")
    @Blocking
    @Operation(summary = "Make the clean subset of a validated dataset a dataset of its own",
            description = "Copies the records that passed validation (datasets/{id}/validated/clean.jsonl) into a new dataset with "
                    + "the same name and check options and parentDatasetId = id, and announces it, so it is validated like an "
                    + "upload. 201 with the new dataset; 200 with the one made earlier (a dataset has one clean version); 409 "
                    + "DATASET_NOT_VALIDATED while the parent's validation has not finished; 422 CLEAN_SUBSET_EMPTY when no "
                    + "record passed.")
    public Response cleanVersion(@PathParam("id") String id) {
        return answer(cleanVersions.create(caller.tenant(), id));
    }

    private static Response answer(DatasetService.Upload upload) {
        DatasetView view = DatasetMapper.toView(upload.dataset());
        return upload.created()
                ? Response.created(URI.create("/datasets/" + view.id())).entity(view).build()
                : Response.ok(view).build();
    }

    @GET
    @Path("/{id}")
    @Operation(summary = "A dataset's stored file: size, lines, sha256")
    public DatasetView get(@PathParam("id") String id) {
        return DatasetMapper.toView(datasets.get(caller.tenantFilter(), id));
    }

    @GET
    @Operation(summary = "The caller's most recent datasets, or those created in a window",
            description = "Without since/until: the newest first. With either (ISO-8601 times, since inclusive, until exclusive): "
                    + "the datasets created in that window, oldest first (services that react to uploads reconcile with it, and see "
                    + "every tenant's).")
    public List<DatasetView> list(@QueryParam("limit") @DefaultValue("50") int limit,
                                  @QueryParam("since") @Parameter(description = "created at or after, e.g. 2026-12-07T08:00:00Z") String since,
                                  @QueryParam("until") @Parameter(description = "created before") String until) {
        return datasets.list(caller.tenantFilter(), AnnouncedWindow.of(since, until), Math.max(1, Math.min(limit, 500))).stream().map(DatasetMapper::toView).toList();
    }

    @POST
    @Path("/{id}/announce")
    @Blocking
    @Operation(summary = "Publish the dataset's dataset-uploaded event again",
            description = "Internal (Refinery's services only, 403 for a tenant). For a service that never got it (found by "
                    + "reconciliation): the same content under a new event id. "
                    + "Consumers take up a dataset once, so a repeat changes nothing where the first one arrived.")
    public Response announce(@PathParam("id") String id) {
        caller.requireService(); // internal: a tenant has no business re-publishing events
        return Response.accepted(datasets.announceAgain(id)).build();
    }
}
