package dev.refinery.validation.service;

import com.fasterxml.jackson.databind.JsonNode;
import dev.refinery.catalog.TrainingMethod;
import dev.refinery.catalog.TrainingType;
import dev.refinery.kit.problem.ApiException;

import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Reads a {@code POST /estimates} body by hand, so that each wrong field gets a 400 naming it (a framework
 * binding error would only say the body was unreadable).
 */
final class EstimateRequestReader {

    static final String FIELD_INVALID = "ESTIMATE_FIELD_INVALID";
    private static final Pattern DATASET_ID = Pattern.compile("^ds-[0-9a-f]{32}$");
    private static final Set<String> FROM_REQUEST = Set.of("trainingTokens", "validationTokens", "examples", "validationExamples", "relativeError");

    private final JsonNode body;

    private EstimateRequestReader(JsonNode body) {
        this.body = body;
    }

    static EstimateRequest read(JsonNode body) {
        if (body == null || !body.isObject()) {
            throw ApiException.badRequest(FIELD_INVALID, "the body must be a JSON object with backend, model and either datasetId or trainingTokens");
        }
        return new EstimateRequestReader(body).read();
    }

    private EstimateRequest read() {
        String datasetId = text("datasetId", false);
        if (datasetId != null && !DATASET_ID.matcher(datasetId).matches()) {
            throw invalid("datasetId", "datasetId must be ds- followed by 32 hex digits; got '" + datasetId + "'");
        }
        if (datasetId != null) {
            for (String field : FROM_REQUEST) {
                if (body.has(field)) {
                    throw invalid(field, field + " comes from the dataset's report when datasetId is given; send one or the other");
                }
            }
        } else if (!body.has("trainingTokens")) {
            throw invalid("trainingTokens", "give either datasetId (token counts from its validation report) or trainingTokens");
        }
        TrainingType type = choice("trainingType", TrainingType.values(), TrainingType::wireName);
        TrainingMethod method = choice("method", TrainingMethod.values(), TrainingMethod::wireName);
        Double relativeError = number("relativeError");
        if (relativeError != null && (relativeError < 0 || relativeError >= 1)) {
            throw invalid("relativeError", "relativeError is a fraction in [0, 1), e.g. 0.12 for +/-12%; got " + relativeError);
        }
        Long epochs = whole("epochs", 1);
        Long evaluations = whole("evaluations", 0);
        Long maxSeqLength = whole("maxSeqLength", 1);
        Long examples = whole("examples", 0);
        Long validationExamples = whole("validationExamples", 0);
        return new EstimateRequest(datasetId, text("backend", true), text("model", true), type,
                method == null ? TrainingMethod.SFT : method, epochs == null ? null : Math.toIntExact(Math.min(epochs, Integer.MAX_VALUE)),
                evaluations == null ? 0 : Math.toIntExact(Math.min(evaluations, Integer.MAX_VALUE)), bool("packing"),
                maxSeqLength == null ? null : Math.toIntExact(Math.min(maxSeqLength, Integer.MAX_VALUE)),
                whole("trainingTokens", 0), whole("validationTokens", 0), examples == null ? 0 : examples,
                validationExamples == null ? 0 : validationExamples, relativeError == null ? 0 : relativeError);
    }

    private String text(String field, boolean required) {
        JsonNode node = body.get(field);
        if (node == null || node.isNull()) {
            if (required) {
                throw invalid(field, field + " is required");
            }
            return null;
        }
        if (!node.isTextual() || node.asText().isBlank()) {
            throw invalid(field, field + " must be a non-empty string");
        }
        return node.asText().strip();
    }

    private Long whole(String field, long least) {
        JsonNode node = body.get(field);
        if (node == null || node.isNull()) {
            return null;
        }
        if (!node.isIntegralNumber() || !node.canConvertToLong() || node.asLong() < least) {
            throw invalid(field, field + " must be a whole number of at least " + least + "; got " + node);
        }
        return node.asLong();
    }

    private Double number(String field) {
        JsonNode node = body.get(field);
        if (node == null || node.isNull()) {
            return null;
        }
        if (!node.isNumber()) {
            throw invalid(field, field + " must be a number; got " + node);
        }
        return node.asDouble();
    }

    private Boolean bool(String field) {
        JsonNode node = body.get(field);
        if (node == null || node.isNull()) {
            return null;
        }
        if (!node.isBoolean()) {
            throw invalid(field, field + " must be true or false; got " + node);
        }
        return node.asBoolean();
    }

    private <E> E choice(String field, E[] values, java.util.function.Function<E, String> wireName) {
        String text = text(field, false);
        if (text == null) {
            return null;
        }
        List<String> allowed = Arrays.stream(values).map(wireName).toList();
        return Arrays.stream(values).filter(v -> wireName.apply(v).equalsIgnoreCase(text)).findFirst()
                .orElseThrow(() -> invalid(field, field + " must be one of " + String.join(", ", allowed) + "; got '" + text + "'")
                        .with("allowed", allowed));
    }

    private static ApiException invalid(String field, String message) {
        return ApiException.badRequest(FIELD_INVALID, message).with("field", field);
    }
}
