package dev.refinery.eval.grading;

import com.fasterxml.jackson.databind.JsonNode;
import com.jayway.jsonpath.InvalidPathException;
import com.jayway.jsonpath.JsonPath;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SpecVersion;
import dev.refinery.kit.problem.ApiException;

import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/** Checks a grader's configuration before it is stored: a stored grader always builds. */
final class GraderConfigs {

    private static final int MAX_TEXT = 4000;

    private GraderConfigs() {
    }

    /** @throws ApiException 400 {@code GRADER_CONFIG_INVALID} naming the field */
    static void validate(GraderKind kind, JsonNode config) {
        if (config == null || !config.isObject()) {
            throw invalid("config", "the configuration must be a JSON object");
        }
        switch (kind) {
            case REGEX -> {
                String pattern = text(config, "pattern");
                try {
                    Pattern.compile(pattern);
                } catch (PatternSyntaxException e) {
                    throw invalid("config.pattern", "not a regular expression: " + e.getDescription() + " at index " + e.getIndex());
                }
            }
            case CONTAINS -> {
                text(config, "text");
                optionalBoolean(config, "ignoreCase");
            }
            case JSON_PATH -> {
                String path = text(config, "path");
                try {
                    JsonPath.compile(path);
                } catch (InvalidPathException | IllegalArgumentException e) {
                    throw invalid("config.path", "not a JSONPath: " + e.getMessage());
                }
                optionalBoolean(config, "matchReference");
                if (config.has("equals") && config.path("matchReference").asBoolean(false)) {
                    throw invalid("config.equals", "give either equals or matchReference, not both");
                }
            }
            case JSON_SCHEMA -> {
                JsonNode schema = config.get("schema");
                if (schema == null || !schema.isObject()) {
                    throw invalid("config.schema", "the schema must be a JSON object");
                }
                try {
                    JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012).getSchema(schema).initializeValidators();
                } catch (RuntimeException e) {
                    throw invalid("config.schema", "not a usable JSON Schema: " + e.getMessage());
                }
            }
            case PAIRWISE_JUDGE -> {
                text(config, "backend");
                text(config, "model");
                if (config.has("instructions")) {
                    text(config, "instructions");
                }
            }
        }
    }

    private static String text(JsonNode config, String field) {
        JsonNode value = config.get(field);
        if (value == null || !value.isTextual() || value.asText().isBlank()) {
            throw invalid("config." + field, field + " must be a non-empty string");
        }
        if (value.asText().length() > MAX_TEXT) {
            throw invalid("config." + field, field + " is " + value.asText().length() + " characters; at most " + MAX_TEXT);
        }
        return value.asText();
    }

    private static void optionalBoolean(JsonNode config, String field) {
        if (config.has(field) && !config.get(field).isBoolean()) {
            throw invalid("config." + field, field + " must be true or false");
        }
    }

    static ApiException invalid(String field, String detail) {
        return ApiException.badRequest("GRADER_CONFIG_INVALID", detail).with("field", field);
    }
}
