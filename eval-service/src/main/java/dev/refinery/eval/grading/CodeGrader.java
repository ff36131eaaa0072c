package dev.refinery.eval.grading;

import com.fasterxml.jackson.databind.JsonNode;
import com.jayway.jsonpath.Configuration;
import com.jayway.jsonpath.JsonPath;
import com.jayway.jsonpath.Option;
import com.jayway.jsonpath.spi.json.JacksonJsonNodeJsonProvider;
import com.jayway.jsonpath.spi.mapper.JacksonMappingProvider;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SpecVersion;
import dev.refinery.engine.eval.HeldOutComparison;
import dev.refinery.engine.eval.metrics.JsonMatch;
import dev.refinery.eval.service.AnswerScorer;

import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.function.BiPredicate;
import java.util.regex.Pattern;

/**
 * A grader that checks each answer alone: pass (1) or fail (0). Built from a validated configuration
 * ({@link GraderConfigs}), so building one never fails.
 */
final class CodeGrader implements AnswerScorer {

    private static final Configuration JSON_PATH = Configuration.builder().jsonProvider(new JacksonJsonNodeJsonProvider())
            .mappingProvider(new JacksonMappingProvider()).options(Option.SUPPRESS_EXCEPTIONS, Option.DEFAULT_PATH_LEAF_TO_NULL).build();

    /** Whether an answer passes, given the item's reference. */
    private final BiPredicate<String, String> passes;

    private CodeGrader(BiPredicate<String, String> passes) {
        this.passes = passes;
    }

    static CodeGrader of(GraderKind kind, JsonNode config) {
        return switch (kind) {
            case REGEX -> {
                Pattern pattern = Pattern.compile(config.get("pattern").asText());
                yield new CodeGrader((reference, answer) -> pattern.matcher(answer).find());
            }
            case CONTAINS -> {
                boolean ignoreCase = config.path("ignoreCase").asBoolean(false);
                String text = ignoreCase ? config.get("text").asText().toLowerCase(Locale.ROOT) : config.get("text").asText();
                yield new CodeGrader((reference, answer) -> (ignoreCase ? answer.toLowerCase(Locale.ROOT) : answer).contains(text));
            }
            case JSON_PATH -> jsonPath(config);
            case JSON_SCHEMA -> {
                JsonSchema schema = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012).getSchema(config.get("schema"));
                yield new CodeGrader((reference, answer) -> JsonMatch.parse(answer).map(json -> schema.validate(json).isEmpty()).orElse(false));
            }
            case PAIRWISE_JUDGE -> throw new IllegalArgumentException("a pairwise judge is not a code grader");
        };
    }

    private static CodeGrader jsonPath(JsonNode config) {
        String path = config.get("path").asText();
        JsonNode expected = config.get("equals");
        boolean matchReference = config.path("matchReference").asBoolean(false);
        return new CodeGrader((reference, answer) -> {
            Optional<JsonNode> found = at(answer, path);
            if (found.isEmpty()) {
                return false;
            }
            if (expected != null) {
                return expected.equals(found.get());
            }
            return !matchReference || at(reference, path).map(found.get()::equals).orElse(false);
        });
    }

    /** The value at {@code path} in {@code text} read as JSON; empty when the text is not JSON or the path finds nothing. */
    private static Optional<JsonNode> at(String text, String path) {
        return JsonMatch.parse(text).map(json -> JsonPath.using(JSON_PATH).parse(json).<JsonNode>read(path))
                .filter(node -> node != null && !node.isNull() && !(node.isArray() && node.isEmpty()));
    }

    @Override
    public PairScores score(List<HeldOutComparison.ItemResult> items) {
        return new PairScores(items.stream().mapToDouble(i -> passes.test(i.reference(), i.baselineOutput()) ? 1 : 0).toArray(),
                items.stream().mapToDouble(i -> passes.test(i.reference(), i.candidateOutput()) ? 1 : 0).toArray());
    }

    @Override
    public boolean passFail() {
        return true;
    }
}
