package dev.refinery.eval.mapping;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.refinery.eval.events.EvalFinished;
import dev.refinery.eval.repository.ArtifactType;
import dev.refinery.eval.repository.Evaluation;
import dev.refinery.eval.repository.EvaluationStatus;
import dev.refinery.eval.registry.Decision;
import dev.refinery.eval.registry.Outcome;
import dev.refinery.eval.repository.Verdict;
import dev.refinery.eval.service.ForgettingCheck;
import dev.refinery.eval.service.MetricResult;
import dev.refinery.eval.rest.EvaluationView;
import dev.refinery.eval.service.ComparisonSummary;
import dev.refinery.kit.events.EventPayloads;
import dev.refinery.testing.ContractSchemas;
import org.junit.jupiter.api.Test;

import java.time.OffsetDateTime;
import java.util.List;
import java.time.ZoneOffset;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** Entity to eval-finished payload and to the API view, checked against the contract (no Quarkus). */
class EvaluationMapperTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String EVAL = "ev-0f1e2d3c4b5a69788796a5b4c3d2e1f0";
    private static final String JOB = "ft-9e8d7c6b5a4f3e2d1c0b9a8f7e6d5c4b";

    private static Evaluation evaluation(EvaluationStatus status) {
        Evaluation e = new Evaluation();
        e.id = EVAL;
        e.tenant = "tenant-a";
        e.jobId = JOB;
        e.datasetId = "ds-5f0c1b2a9d8e4f7a8b6c3d2e1f0a9b8c";
        e.baseModel = "stories260K";
        e.bucket = "refinery";
        e.artifactType = ArtifactType.LORA_ADAPTER;
        e.artifactKey = "jobs/" + JOB + "/adapter/";
        e.sourceEventId = "ce-1";
        e.status = status;
        e.metric = "opening_match";
        e.maxTokens = 48;
        e.maxItems = 200;
        e.attempts = 1;
        e.createdAt = OffsetDateTime.of(2026, 11, 28, 15, 31, 12, 0, ZoneOffset.UTC);
        e.finishedAt = status.finished() ? OffsetDateTime.of(2026, 11, 28, 15, 31, 40, 123_456_000, ZoneOffset.UTC) : null;
        return e;
    }

    private static Evaluation completed() {
        Evaluation e = evaluation(EvaluationStatus.COMPLETED);
        EvaluationMapper.recordResult(e, SUMMARY, "evals/" + EVAL + "/items.jsonl");
        e.outcome = Outcome.IMPROVED;
        e.decision = Decision.PROMOTED;
        e.decisionReasons = "pass: opening_match against stories260K\npromoted to champion";
        return e;
    }

    private static final ComparisonSummary SUMMARY = new ComparisonSummary("opening_match", 27, "stories260K", "stories260K+" + JOB, 0.0,
            0.93, 1.93, 0.61, 0.93, 0.81, 1.0, 0.95, Verdict.CANDIDATE_BETTER, -0.5, null, List.of(
            new MetricResult("opening_match", 0.0, 0.93, 0.93, 0.81, 1.0, 0.27, 1.5e-8, null),
            new MetricResult("rouge_l", 0.2, 0.6, 0.4, 0.3, 0.5, 0.08, null, null)),
            new ForgettingCheck(24, 1.62, 1.66, 0.04, 0.05, 0.31, 0.3, -0.01, -0.04));

    @Test
    void aCompletedEvaluationBecomesAValidEventWithItsSummary() throws Exception {
        Evaluation e = completed();
        String json = EventPayloads.write(EvaluationMapper.toEvent(e, EvaluationMapper.metricRows(e.id, SUMMARY.metrics())));
        ContractSchemas.assertValid("eval-finished", 3, json);
        JsonNode event = JSON.readTree(json);
        assertEquals("COMPLETED", event.get("status").asText());
        assertEquals("tenant-a", event.get("tenant").asText(), "only the evaluation's owner is to be told");
        assertEquals(27, event.get("items").asInt());
        assertEquals("stories260K", event.at("/baseline/model").asText());
        assertEquals(0.93, event.at("/candidate/metric").asDouble());
        assertEquals(1.93, event.at("/baseline/heldOutLoss").asDouble());
        assertEquals(0.81, event.at("/difference/ciLow").asDouble());
        assertEquals(0.95, event.at("/difference/confidence").asDouble());
        assertEquals("CANDIDATE_BETTER", event.get("verdict").asText());
        assertEquals("evals/" + EVAL + "/items.jsonl", event.get("itemsKey").asText());
        assertEquals("2026-11-28T15:31:40.123456Z", event.get("finishedAt").asText());
        assertFalse(event.has("failureReason"), "absent fields are left out, not null: " + json);
        assertEquals("IMPROVED", event.get("outcome").asText());
        assertEquals("PROMOTED", event.get("decision").asText());
        assertEquals(2, event.get("reasons").size());
        assertEquals("rouge_l", event.at("/metrics/1/name").asText());
        assertEquals(1.5e-8, event.at("/metrics/0/mcNemarPValue").asDouble());
        assertFalse(event.at("/metrics/1").has("mcNemarPValue"), "a graded metric has no McNemar test");
        assertEquals(0.05, event.at("/forgetting/lossDifferenceCiHigh").asDouble());
        // A v1 reader sees v1's fields with v1's meaning.
        ContractSchemas.assertValid("eval-finished", 1, json);
    }

    @Test
    void theGoldenSamplesReadBackAsTheSameEvent() throws Exception {
        // Our producer copy holds every field of the contract, v1's, v2's and v3's: a round trip of a golden sample loses nothing.
        for (String sample : List.of(ContractSchemas.sample("eval-finished", 1), ContractSchemas.sample("eval-finished", 2),
                ContractSchemas.sample("eval-finished-failed", 2), ContractSchemas.sample("eval-finished", 3),
                ContractSchemas.sample("eval-finished-endpoint", 3))) {
            EvalFinished parsed = EventPayloads.read(sample, EvalFinished.class);
            assertEquals(JSON.readTree(sample), JSON.readTree(EventPayloads.write(parsed)));
        }
    }

    @Test
    void aFailedEvaluationBecomesAValidEventWithItsReason() throws Exception {
        Evaluation e = evaluation(EvaluationStatus.FAILED);
        e.failureCode = "EVAL_ADAPTER_MISSING";
        e.failureReason = "the job's adapter does not exist: no files under jobs/x/adapter/";
        String json = EventPayloads.write(EvaluationMapper.toEvent(e, List.of()));
        ContractSchemas.assertValid("eval-finished", 3, json);
        JsonNode event = JSON.readTree(json);
        assertEquals("FAILED", event.get("status").asText());
        assertEquals("tenant-a", event.get("tenant").asText());
        assertEquals(e.failureReason, event.get("failureReason").asText());
        assertEquals("EVAL_ADAPTER_MISSING", event.get("failureCode").asText());
        assertFalse(event.has("baseline") || event.has("verdict") || event.has("itemsKey"), json);
    }

    @Test
    void anUnfinishedEvaluationHasNoEvent() {
        assertThrows(IllegalStateException.class, () -> EvaluationMapper.toEvent(evaluation(EvaluationStatus.RUNNING), List.of()));
    }

    @Test
    void theViewShowsTheSummaryOnlyOnceCompleted() {
        Evaluation e = completed();
        EvaluationView done = EvaluationMapper.toView(e, EvaluationStatus.COMPLETED, EvaluationMapper.metricRows(e.id, SUMMARY.metrics()));
        assertEquals(2, done.metrics().size());
        assertEquals(0.27, done.statistics().minimumDetectableEffect());
        assertEquals(List.of("pass: opening_match against stories260K", "promoted to champion"), done.reasons());
        assertEquals(0.93, done.candidate().metric());
        assertEquals("CANDIDATE_BETTER", done.verdict());
        assertEquals("lora-adapter", done.artifactType());
        assertEquals("jobs/" + JOB + "/adapter/", done.adapterKey());
        EvaluationView pending = EvaluationMapper.toView(evaluation(EvaluationStatus.PENDING), EvaluationStatus.PENDING, List.of());
        assertEquals("PENDING", pending.status());
        assertNull(pending.baseline());
        assertNull(pending.difference());
        assertNull(pending.verdict());
        assertNull(pending.metrics());
    }

    @Test
    void aWholeModelIsNamedAsAnArtifactNotAsAnAdapter() {
        Evaluation e = evaluation(EvaluationStatus.PENDING);
        e.artifactType = ArtifactType.FULL_MODEL;
        e.artifactKey = "jobs/" + JOB + "/model/";
        EvaluationView view = EvaluationMapper.toView(e, EvaluationStatus.RUNNING, List.of());
        assertEquals("full-model", view.artifactType());
        assertEquals("jobs/" + JOB + "/model/", view.artifactKey());
        assertNull(view.adapterKey());
        assertEquals("RUNNING", view.status());
    }
}
