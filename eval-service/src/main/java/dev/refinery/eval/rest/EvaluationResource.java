package dev.refinery.eval.rest;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import dev.refinery.eval.registry.ModelRegistry;
import dev.refinery.eval.repository.Evaluation;
import dev.refinery.eval.repository.ModelVersion;
import dev.refinery.eval.service.EvaluationRequests;
import dev.refinery.eval.service.StopSequences;
import dev.refinery.eval.service.EvaluationService;
import dev.refinery.kit.auth.CurrentCaller;
import dev.refinery.kit.problem.ApiException;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.StreamingOutput;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;

import java.io.BufferedReader;
import java.net.URI;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Evaluations of model versions against their base or another version (and the champion): status, summary, the policy's
 * decision, per-item results; and evaluations asked for by hand. Every route acts for the
 * caller's tenant ({@link CurrentCaller#tenant()}): another tenant's evaluation is not found, exactly like one that does
 * not exist, and lists hold only the caller's.
 */
@Path("/evals")
@Produces(MediaType.APPLICATION_JSON)
public class EvaluationResource {

    static final int MAX_PAGE = 1000;
    private static final int MAX_CANDIDATES = 10;
    private static final JsonFactory JSON = new JsonFactory();

    @Inject
    EvaluationService evaluations;

    @Inject
    CurrentCaller caller;

    @Inject
    ModelRegistry registry;

    @Inject
    EvaluationRequests requests;

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Evaluate a model version by hand: against its base model or another version, on a dataset's test split "
            + "or on every record of a dataset uploaded as a test set",
            description = "Answers 202 with the PENDING evaluation. Such an evaluation reports the policy's outcome and never "
                    + "promotes; promotion is PUT /registry/aliases/{alias}.")
    public Response create(RegistryRequests.Evaluate body) {
        boolean several = body != null && body.candidates() != null;
        if (body == null || (body.candidate() == null) == !several || (several && (body.candidates().isEmpty()
                || body.candidates().size() > MAX_CANDIDATES))) {
            throw ApiException.badRequest("EVAL_CANDIDATE_REQUIRED", "say which version to evaluate: {\"candidate\": \"mv-...\" or an "
                    + "alias}, or several: {\"candidates\": [...]} (1 to " + MAX_CANDIDATES + "), not both; \"baseline\": optional")
                    .with("field", "candidate");
        }
        requireDatasetId(body.datasetId(), "datasetId");
        requireDatasetId(body.testSet(), "testSet");
        String tenant = caller.tenant();
        ModelVersion baseline = body.baseline() == null ? null : registry.resolve(tenant, body.baseline(), "baseline");
        List<String> stop = StopSequences.require(body.stop());
        List<ModelVersion> candidates = new java.util.ArrayList<>();
        for (int i = 0; i < (several ? body.candidates().size() : 1); i++) {
            candidates.add(several ? registry.resolve(tenant, body.candidates().get(i), "candidates[" + i + "]")
                    : registry.resolve(tenant, body.candidate(), "candidate"));
        }
        // Every candidate is checked before any evaluation is recorded: a bad one refuses the whole request.
        List<Evaluation> made = requests.requestByHand(candidates, baseline, body.datasetId(), body.testSet(), body.metric(), body.maxItems(),
                body.metrics(), body.maxTokens(), stop, caller.get().subject());
        List<EvaluationView> views = made.stream().map(e -> evaluations.view(evaluations.get(tenant, e.id))).toList();
        if (several) {
            return Response.accepted(java.util.Map.of("evaluations", views)).build();
        }
        return Response.accepted(views.get(0)).location(URI.create("/evals/" + made.get(0).id)).build();
    }

    private static void requireDatasetId(String id, String field) {
        if (id != null && !EvaluationService.DATASET_ID.matcher(id).matches()) {
            throw ApiException.badRequest("DATASET_ID_INVALID", "'" + id + "' is not a dataset id (ds- followed by 32 hex digits)")
                    .with("field", field);
        }
    }

    @GET
    @Path("/{id}")
    @Operation(summary = "An evaluation: status, and once completed the scores, the 95% interval and the verdict")
    public EvaluationView get(@PathParam("id") String id) {
        return evaluations.view(evaluations.get(caller.tenant(), id));
    }

    @GET
    @Operation(summary = "Evaluations, newest first; those of one fine-tuning job with ?jobId=")
    public List<EvaluationView> list(@QueryParam("jobId") @Parameter(description = "the fine-tuning job (ft-...)") String jobId,
                                     @QueryParam("limit") @DefaultValue("50") int limit) {
        return evaluations.list(caller.tenant(), jobId, Math.max(1, Math.min(limit, 500))).stream().map(evaluations::view).toList();
    }

    @GET
    @Path("/{id}/items")
    @Operation(summary = "Per-item results of a completed evaluation, a page at a time",
            description = "Each item: prompt, reference, both models' greedy outputs, their metric scores and held-out losses. "
                    + "Streamed from the evaluation's items.jsonl in object storage.")
    public Response items(@PathParam("id") String id,
                          @QueryParam("limit") @DefaultValue("50") @Parameter(description = "1 to 1000") int limit,
                          @QueryParam("offset") @DefaultValue("0") @Parameter(description = "items to skip") int offset) {
        if (limit < 1 || limit > MAX_PAGE || offset < 0) {
            throw ApiException.badRequest("EVAL_PAGE_INVALID", "limit must be 1 to " + MAX_PAGE + " and offset at least 0, got limit "
                    + limit + ", offset " + offset);
        }
        Evaluation e = evaluations.get(caller.tenant(), id);
        InputStream in = evaluations.openItems(e); // opened before the response starts, so a failure is still a problem response
        StreamingOutput body = out -> {
            try (BufferedReader lines = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
                 JsonGenerator json = JSON.createGenerator(out)) {
                json.writeStartObject();
                json.writeStringField("evalId", e.id);
                json.writeNumberField("total", e.items == null ? 0 : e.items);
                json.writeNumberField("offset", offset);
                json.writeNumberField("limit", limit);
                json.writeArrayFieldStart("items");
                int seen = 0;
                int written = 0;
                String line;
                while (written < limit && (line = lines.readLine()) != null) {
                    if (line.isBlank() || seen++ < offset) {
                        continue;
                    }
                    json.writeRawValue(line); // each line is one JSON object written by this service
                    written++;
                }
                json.writeEndArray();
                json.writeEndObject();
            }
        };
        return Response.ok(body, MediaType.APPLICATION_JSON).build();
    }
}
