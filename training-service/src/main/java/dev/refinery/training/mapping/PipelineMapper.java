package dev.refinery.training.mapping;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.refinery.training.events.PipelineRunFinished;
import dev.refinery.training.repository.Pipeline;
import dev.refinery.training.repository.PipelineDriftCheck;
import dev.refinery.training.repository.PipelineRun;
import dev.refinery.training.rest.PipelineTemplate;
import dev.refinery.training.rest.PipelineView;
import dev.refinery.training.rest.PipelineRunView;

import java.util.List;
import java.util.Locale;

/** Pipelines and their runs as the API shows them and as pipeline-run-finished carries them. */
public final class PipelineMapper {

    private static final ObjectMapper JSON = new ObjectMapper();

    private PipelineMapper() {
    }

    public static PipelineView view(Pipeline p, PipelineRunView lastRun, PipelineDriftCheck lastDriftCheck) {
        return new PipelineView(p.id, p.name, p.collectionId, template(p), lower(p.continueFrom), p.maxAttempts,
                p.budgetUsd == null ? null : new PipelineView.Budget(p.budgetUsd, lower(p.budgetPeriod)), p.status.name(), p.pauseReason,
                p.createdBy, p.createdAt, p.updatedAt, new PipelineView.Trigger(lower(p.triggerOn), p.scheduleEvery, p.driftMargin,
                p.nextScheduledAt), p.dpoCollectionId == null ? null : new PipelineView.DpoStage(p.dpoCollectionId,
                p.dpoHyperparameters == null ? null : read(p.dpoHyperparameters, JsonNode.class)), !p.hasShadowPhase() ? null
                : new PipelineView.Shadow(p.shadowShare, p.shadowPairs, p.shadowMinWinRate, p.shadowWithin, p.shadowJudge), lastRun,
                lastDriftCheck == null ? null : view(lastDriftCheck));
    }

    private static PipelineView.DriftCheck view(PipelineDriftCheck c) {
        return new PipelineView.DriftCheck(c.id, c.datasetId, c.status.name(), c.championVersionId, c.metric, c.promotionScore, c.margin,
                c.freshScore, c.evalId, c.runId, c.reason, c.createdAt, c.finishedAt);
    }

    public static PipelineRunView view(PipelineRun r) {
        return new PipelineRunView(r.id, r.pipelineId, lower(r.trigger), r.datasetId, r.status.name(), r.attempts, r.jobId, r.fromJobId,
                r.sftJobId, r.preferenceDatasetId, r.evalId, r.modelVersionId, r.metric, r.candidateScore, r.baselineScore, r.championScore, r.outcome, r.decision, reasons(r),
                r.failureCode, r.failureReason, r.createdAt, r.startedAt, r.finishedAt, r.shadowAlias == null ? null
                : new PipelineRunView.Shadow(r.shadowAlias, r.shadowStartedAt, r.shadowEndsAt, r.shadowWins, r.shadowLosses, r.shadowTies,
                r.shadowUnclear, r.shadowWinRate));
    }

    public static PipelineRunFinished toFinished(Pipeline p, PipelineRun r) {
        List<String> reasons = reasons(r);
        return new PipelineRunFinished(p.tenant, p.id, p.name, r.id, p.collectionId, lower(r.trigger), r.datasetId, r.status.name(), r.attempts,
                r.jobId, r.fromJobId, r.sftJobId, r.preferenceDatasetId, r.evalId, r.modelVersionId, r.outcome, r.decision, reasons, r.metric, r.candidateScore,
                r.baselineScore, r.championScore, r.failureCode, r.failureReason, r.startedAt, r.finishedAt, r.shadowWins == null ? null
                : new PipelineRunFinished.Shadow(r.shadowAlias, r.shadowWins, r.shadowLosses, r.shadowTies, r.shadowUnclear, r.shadowWinRate));
    }

    /** The job a pipeline trains, as stored. */
    public static PipelineTemplate template(Pipeline p) {
        return read(p.template, PipelineTemplate.class);
    }

    public static String templateJson(PipelineTemplate template) {
        return write(template);
    }

    /** The policy's reasons, stored as a JSON array. */
    public static String reasonsJson(List<String> reasons) {
        return reasons == null ? null : write(reasons);
    }

    private static List<String> reasons(PipelineRun r) {
        return r.reasons == null ? null : List.of(read(r.reasons, String[].class));
    }

    private static <T> T read(String text, Class<T> type) {
        try {
            return JSON.readValue(text, type);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a stored " + type.getSimpleName() + " is unreadable", e);
        }
    }

    private static String write(Object value) {
        try {
            return JSON.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String lower(Enum<?> e) {
        return e.name().toLowerCase(Locale.ROOT);
    }
}
