package dev.refinery.engine.eval.metrics;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;

import java.util.Comparator;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * JSON outputs: whether an output is valid JSON, and which top-level fields of a reference JSON object it reproduces.
 *
 * <p>Valid means the whole output, after trimming surrounding whitespace, is exactly one JSON value under RFC 8259 as
 * Jackson reads it by default (no comments, no single quotes, no trailing commas, nothing after the value). No markdown
 * fences are stripped: a model asked for JSON that wraps it in a code block has not produced JSON.
 *
 * <p>Per-field match compares each top-level field of the reference object with the same field of the output: equal
 * when the two JSON values are equal, numbers compared by numeric value (so {@code 1}, {@code 1.0} and {@code 1e0}
 * are equal) at any depth, object key order ignored, array order kept. An output that is not valid JSON, or not an
 * object, matches no field. Fields only in the output are ignored.
 *
 * <p>JSON-Schema validation is not done here: the engine does not depend on a schema validator, and the services that
 * do ({@code networknt json-schema-validator}) are the place to add a schema pass rate.
 */
public final class JsonMatch {

    private static final ObjectMapper JSON = JsonMapper.builder()
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .build();

    /** Numbers by value, everything else by Jackson's node equality. */
    private static final Comparator<JsonNode> BY_VALUE = (a, b) -> {
        if (a.isNumber() && b.isNumber()) {
            return a.decimalValue().compareTo(b.decimalValue());
        }
        return a.equals(b) ? 0 : 1;
    };

    private JsonMatch() {
    }

    /**
     * One output's result against a reference object.
     *
     * @param valid   the output is one valid JSON value
     * @param fields  for each top-level field of the reference, in its order, whether the output has it with an equal value
     */
    public record Result(boolean valid, Map<String, Boolean> fields) {

        /** Share of the reference's fields matched; for a reference with no fields, 1 when the output is valid JSON. */
        public double fieldMatchRate() {
            if (fields.isEmpty()) {
                return valid ? 1 : 0;
            }
            long hit = fields.values().stream().filter(b -> b).count();
            return (double) hit / fields.size();
        }

        /** 1 when every field matched (and there is at least a valid output), else 0. */
        public double allFieldsMatch() {
            return valid && !fields.containsValue(false) ? 1 : 0;
        }
    }

    /** 1 when {@code output} is one valid JSON value, else 0. */
    public static double validity(String output) {
        return parse(output).isPresent() ? 1 : 0;
    }

    /** The parsed output, or empty when it is not one valid JSON value. */
    public static Optional<JsonNode> parse(String output) {
        try {
            String trimmed = output.strip();
            if (trimmed.isEmpty()) {
                return Optional.empty();
            }
            return Optional.of(JSON.readTree(trimmed));
        } catch (JsonProcessingException e) {
            return Optional.empty();
        }
    }

    /**
     * Compares {@code output} with {@code referenceObject}, which must itself be a JSON object (the expected answer);
     * a reference that is not is refused.
     */
    public static Result compare(String referenceObject, String output) {
        JsonNode ref = parse(referenceObject).filter(JsonNode::isObject).orElseThrow(() ->
                new dev.refinery.engine.EngineException.InvalidArgument("the reference for a JSON field match must be a JSON object"));
        Optional<JsonNode> out = parse(output);
        Map<String, Boolean> fields = new LinkedHashMap<>();
        boolean object = out.isPresent() && out.get().isObject();
        Iterator<Map.Entry<String, JsonNode>> it = ref.fields();
        while (it.hasNext()) {
            Map.Entry<String, JsonNode> f = it.next();
            JsonNode got = object ? out.get().get(f.getKey()) : null;
            fields.put(f.getKey(), got != null && f.getValue().equals(BY_VALUE, got));
        }
        return new Result(out.isPresent(), fields);
    }
}
