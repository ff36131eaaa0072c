package dev.refinery.eval.grading;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.refinery.engine.eval.HeldOutComparison;
import dev.refinery.eval.service.AnswerScorer;
import dev.refinery.kit.problem.ApiException;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Each code grader on answers made up for it, and the configurations refused before they are stored. */
class CodeGraderTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void aRegexAndAContainsGraderPassAnswersWithTheirText() throws Exception {
        assertScores(GraderKind.REGEX, "{\"pattern\": \"^Once upon a time\"}", "ref",
                "Once upon a time, Mia...", "Mia went out. Once upon a time", 1, 0);
        assertScores(GraderKind.CONTAINS, "{\"text\": \"MIA\", \"ignoreCase\": true}", "ref", "a girl named Mia", "a boy named Ben", 1, 0);
        assertScores(GraderKind.CONTAINS, "{\"text\": \"MIA\"}", "ref", "a girl named Mia", "MIA!", 0, 1);
    }

    @Test
    void aJsonPathGraderFindsAValueEqualToTheGivenOneOrTheReferences() throws Exception {
        assertScores(GraderKind.JSON_PATH, "{\"path\": \"$.label\"}", "{}", "{\"label\": \"spam\"}", "{\"other\": 1}", 1, 0);
        assertScores(GraderKind.JSON_PATH, "{\"path\": \"$.label\", \"equals\": \"spam\"}", "{}", "{\"label\": \"spam\"}", "{\"label\": \"ham\"}",
                1, 0);
        assertScores(GraderKind.JSON_PATH, "{\"path\": \"$.items[0].id\", \"matchReference\": true}", "{\"items\": [{\"id\": 7}]}",
                "{\"items\": [{\"id\": 7}, {\"id\": 8}]}", "not json", 1, 0);
    }

    @Test
    void aJsonSchemaGraderPassesValidJsonOnly() throws Exception {
        String schema = "{\"schema\": {\"type\": \"object\", \"required\": [\"label\"], \"properties\": {\"label\": {\"enum\": [\"spam\", \"ham\"]}}}}";
        assertScores(GraderKind.JSON_SCHEMA, schema, "{}", "{\"label\": \"ham\"}", "{\"label\": \"eggs\"}", 1, 0);
        assertScores(GraderKind.JSON_SCHEMA, schema, "{}", "Sure! {\"label\": \"ham\"}", "{\"label\": \"spam\", \"why\": 1}", 0, 1);
    }

    @Test
    void badConfigurationsAreRefusedNamingTheField() {
        assertRefused(GraderKind.REGEX, "{\"pattern\": \"(unclosed\"}", "config.pattern");
        assertRefused(GraderKind.CONTAINS, "{\"text\": \"\"}", "config.text");
        assertRefused(GraderKind.CONTAINS, "{\"text\": \"x\", \"ignoreCase\": \"yes\"}", "config.ignoreCase");
        assertRefused(GraderKind.JSON_PATH, "{\"path\": \"$[\"}", "config.path");
        assertRefused(GraderKind.JSON_PATH, "{\"path\": \"$.a\", \"equals\": 1, \"matchReference\": true}", "config.equals");
        assertRefused(GraderKind.JSON_SCHEMA, "{\"schema\": \"object\"}", "config.schema");
        assertRefused(GraderKind.PAIRWISE_JUDGE, "{\"backend\": \"together\"}", "config.model");
        assertRefused(GraderKind.REGEX, "[1]", "config");
    }

    private static void assertScores(GraderKind kind, String config, String reference, String baseline, String candidate,
                                     double baselineScore, double candidateScore) throws Exception {
        JsonNode c = JSON.readTree(config);
        GraderConfigs.validate(kind, c);
        AnswerScorer.PairScores s = CodeGrader.of(kind, c).score(List.of(
                new HeldOutComparison.ItemResult(0, "prompt", reference, baseline, candidate, 0, 0, 0, 0, null)));
        assertArrayEquals(new double[]{baselineScore}, s.baseline(), kind + " " + config + " on " + baseline);
        assertArrayEquals(new double[]{candidateScore}, s.candidate(), kind + " " + config + " on " + candidate);
    }

    private static void assertRefused(GraderKind kind, String config, String field) {
        ApiException e = assertThrows(ApiException.class, () -> GraderConfigs.validate(kind, JSON.readTree(config)));
        assertEquals(400, e.status());
        assertEquals("GRADER_CONFIG_INVALID", e.code());
        assertEquals(field, e.details().get("field"), e.getMessage());
    }
}
