package dev.refinery.validation.service;

import dev.refinery.datasets.split.ValidatedObjects;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.refinery.catalog.CatalogErrorCode;
import dev.refinery.catalog.CatalogException;
import dev.refinery.catalog.CatalogModel;
import dev.refinery.catalog.ModelCatalog;
import dev.refinery.catalog.TrainingType;
import dev.refinery.catalog.cost.CostEstimate;
import dev.refinery.catalog.cost.CostEstimator;
import dev.refinery.catalog.cost.CostRequest;
import dev.refinery.catalog.cost.DatasetTokens;
import dev.refinery.kit.problem.ApiException;
import dev.refinery.kit.storage.ObjectStorage;
import dev.refinery.validation.repository.RunStatus;
import dev.refinery.validation.repository.ValidationRun;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Prices a training job with the catalog's {@link CostEstimator}: low / expected / high, billed tokens, rate,
 * where the price comes from and every assumption. Token counts come from a validated dataset's report.json
 * (its accuracy decides exact or a range) or from the request. A model without a price is answered with
 * {@code priced=false} and the reason, never with an invented number.
 */
@ApplicationScoped
public class EstimateService {

    @Inject
    CheckSettings settings;

    @Inject
    ValidationRuns runs;

    @Inject
    ObjectStorage storage;

    @Inject
    ObjectMapper json;

    /** An estimate and the token counts it was made from. */
    public record Estimate(CostEstimate cost, TokenSource tokens) {
    }

    /** @param source {@code report} or {@code request} */
    public record TokenSource(String source, String datasetId, DatasetTokens training, DatasetTokens validation, List<String> notes) {
    }

    /**
     * @param tenant whose dataset {@code datasetId} must be (empty: a service, which may name any); another tenant's is
     *               answered like an unknown one
     */
    public Estimate estimate(Optional<String> tenant, JsonNode body) {
        EstimateRequest request = EstimateRequestReader.read(body);
        ModelCatalog catalog = settings.catalog();
        CatalogModel model = model(catalog, request);
        TokenSource tokens = request.fromDataset() ? fromReport(tenant, request, catalog, model) : fromRequest(request);
        TrainingType type = request.trainingType() != null ? request.trainingType()
                : model.trainingTypes().size() == 1 ? model.trainingTypes().iterator().next() : TrainingType.LORA;
        CostRequest.Builder cost = CostRequest.builder(request.backend(), model.id(), tokens.training())
                .trainingType(type).method(request.method()).epochs(request.epochs()).maxSeqLength(request.maxSeqLength());
        if (request.evaluations() > 0) {
            if (tokens.validation() == null) {
                throw ApiException.badRequest(EstimateRequestReader.FIELD_INVALID, request.fromDataset()
                        ? "the dataset's report has no validation-split token count, so evaluations cannot be priced from it; "
                                + "send the token counts explicitly (trainingTokens, validationTokens) instead"
                        : "evaluations are priced on the validation tokens: give validationTokens").with("field",
                        request.fromDataset() ? "evaluations" : "validationTokens");
            }
            cost.validation(tokens.validation(), request.evaluations());
        }
        if (request.packing() != null) {
            cost.packing(request.packing());
        }
        try {
            return new Estimate(new CostEstimator(catalog).estimate(cost.build()), tokens);
        } catch (CatalogException e) {
            throw problem(e);
        }
    }

    private static CatalogModel model(ModelCatalog catalog, EstimateRequest request) {
        try {
            return catalog.require(request.backend(), request.model());
        } catch (CatalogException e) {
            throw problem(e);
        }
    }

    private static TokenSource fromRequest(EstimateRequest r) {
        DatasetTokens training = tokens(r.examples(), r.trainingTokens(), r.relativeError(), "given with the request");
        DatasetTokens validation = r.validationTokens() == null ? null
                : tokens(r.validationExamples(), r.validationTokens(), r.relativeError(), "given with the request");
        return new TokenSource("request", null, training, validation, List.of());
    }

    /**
     * The kept records' tokens from report.json: the train and validation splits' when the report has them,
     * else the whole kept dataset's billable tokens (after the over-context policy). The counts hold for the
     * asked model only if it uses the tokenizer they were counted with.
     */
    private TokenSource fromReport(Optional<String> tenant, EstimateRequest r, ModelCatalog catalog, CatalogModel model) {
        ValidationRun run = runs.find(tenant, r.datasetId()).orElseThrow(() -> ApiException.notFound("REPORT_NOT_FOUND",
                "no validation report for dataset " + r.datasetId()).with("field", "datasetId"));
        if (run.status != RunStatus.VALID && run.status != RunStatus.INVALID) {
            throw ApiException.conflict("REPORT_NOT_READY", "dataset " + r.datasetId() + " is " + run.status
                    + (run.status == RunStatus.FAILED ? " (" + run.lastError + ")" : "; try again once it is validated"))
                    .with("status", run.status.name());
        }
        JsonNode report;
        try {
            report = json.readTree(storage.read(ValidatedObjects.report(r.datasetId())));
        } catch (IOException e) {
            throw new ApiException(503, "REPORT_UNREADABLE", "Service unavailable", "the report of " + r.datasetId() + " could not be read: " + e.getMessage());
        }
        JsonNode tokens = report.path("tokens");
        String countedFor = report.path("model").asText(null);
        if (tokens.isMissingNode() || countedFor == null) {
            throw ApiException.conflict("DATASET_TOKENS_UNKNOWN", "the report of " + r.datasetId() + " has no token counts (it was checked "
                    + "without a model); upload it with model=... or send trainingTokens");
        }
        CatalogModel counted = catalog.find(report.path("target").asText(), countedFor).orElse(null);
        if (counted == null || !counted.tokenizer().equals(model.tokenizer())) {
            throw ApiException.conflict("ESTIMATE_TOKENIZER_MISMATCH", "the report of " + r.datasetId() + " counted tokens for " + countedFor
                            + (counted == null ? "" : " (tokenizer " + counted.tokenizer() + ")") + ", but " + model.id() + " uses "
                            + model.tokenizer() + "; check the dataset for that model (upload with model=" + model.id()
                            + ") or send trainingTokens")
                    .with("countedFor", countedFor).with("model", model.id());
        }
        double error = tokens.path("estimate").asBoolean(false) ? tokens.path("relativeErrorBound").asDouble() : 0;
        String basis = tokens.path("tokenizer").asText("");
        List<String> notes = new ArrayList<>();
        JsonNode train = tokens.path("splits").path("train");
        if (train.has("tokens")) {
            JsonNode validation = tokens.path("splits").path("validation");
            notes.add("training tokens are the train split's, validation tokens the validation split's");
            return new TokenSource("report", r.datasetId(), tokens(train.path("records").asLong(), train.path("tokens").asLong(), error, basis),
                    validation.has("tokens") ? tokens(validation.path("records").asLong(), validation.path("tokens").asLong(), error, basis) : null,
                    notes);
        }
        long examples = tokens.path("records").asLong() - tokens.path("droppedOverContext").asLong();
        notes.add("the report has no per-split token counts: every kept record's billable tokens (train, validation and test "
                + "splits together, after the over-context policy) are priced as training tokens, an upper bound");
        return new TokenSource("report", r.datasetId(), tokens(examples, tokens.path("billableTokens").asLong(), error, basis), null, notes);
    }

    private static DatasetTokens tokens(long examples, long count, double relativeError, String basis) {
        return relativeError > 0 ? DatasetTokens.estimated(examples, count, relativeError, basis) : DatasetTokens.exact(examples, count, basis);
    }

    private static ApiException problem(CatalogException e) {
        String field = switch (e.code()) {
            case CATALOG_BACKEND_UNKNOWN -> "backend";
            case CATALOG_MODEL_UNKNOWN -> "model";
            case CATALOG_METHOD_UNSUPPORTED -> "method";
            case CATALOG_TRAINING_TYPE_UNSUPPORTED -> "trainingType";
            default -> null;
        };
        ApiException problem = ApiException.badRequest(e.code().name(), e.getMessage());
        if (field != null) {
            problem.with("field", field);
        }
        if (e.code() == CatalogErrorCode.CATALOG_MODEL_UNKNOWN) {
            problem.with("nearMatches", e.details());
        } else if (e.code() == CatalogErrorCode.CATALOG_BACKEND_UNKNOWN) {
            problem.with("allowed", e.details());
        } else if (!e.details().isEmpty()) {
            problem.with("problems", e.details());
        }
        return problem;
    }
}
