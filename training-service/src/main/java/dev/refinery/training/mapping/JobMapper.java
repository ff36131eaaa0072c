package dev.refinery.training.mapping;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.refinery.training.events.JobCompleted;
import dev.refinery.training.rest.EvaluationSpec;
import dev.refinery.training.events.JobSubmitted;
import dev.refinery.training.repository.Job;
import dev.refinery.training.repository.JobEvent;
import dev.refinery.training.repository.JobStatus;
import dev.refinery.training.repository.JobStepMetric;
import dev.refinery.training.repository.JobValidationLoss;
import dev.refinery.training.rest.JobEventView;
import dev.refinery.training.rest.JobMetricsView;
import dev.refinery.training.rest.JobView;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Job entity to API views and to event payloads: the three models stay apart. */
public final class JobMapper {

    private static final ObjectMapper JSON = new ObjectMapper();

    private JobMapper() {
    }

    public static JobView toView(Job j) {
        JobView.Progress progress = new JobView.Progress(j.currentStep, j.totalSteps, j.epoch, j.trainLoss, j.etaSeconds, j.checkpointStep,
                j.progressAt);
        JobView.Result result = j.isFinished()
                ? new JobView.Result(artifactView(j), j.steps, j.finalTrainLoss, j.finalValidationLoss, j.failureCode, j.failureReason)
                : null;
        JobView.Provider provider = new JobView.Provider(j.providerJobId, j.rawStatus, j.stateNote, j.outputModel, j.pausedAt);
        JobView.Cost cost = new JobView.Cost(j.estimateLowUsd, j.estimateExpectedUsd, j.estimateHighUsd, j.estimateNote, j.budgetUsd,
                j.actualCostUsd, j.actualCostSource);
        return new JobView(j.id, j.datasetId, j.baseModel, j.backend, j.status.name(), values(j), sources(j), j.attempts, j.createdAt,
                j.startedAt, j.finishedAt, progress, result, j.method.wireName(), j.tenantId, j.fromJobId, j.rerunOfJobId, provider, cost);
    }

    private static JobView.Artifact artifactView(Job j) {
        JobCompleted.Artifact a = artifact(j);
        return a == null ? null : new JobView.Artifact(a.type(), a.bucket(), a.key(), a.providerModel());
    }

    public static JobMetricsView toMetricsView(String jobId, List<JobStepMetric> steps, List<JobValidationLoss> validation) {
        return new JobMetricsView(jobId,
                steps.stream().map(m -> new JobMetricsView.Step(m.step, m.epoch, m.loss, m.learningRate, m.gradNorm, m.tokens,
                        m.tokensPerSecond, m.rewardAccuracy, m.rewardMargin)).toList(),
                validation.stream().map(v -> new JobMetricsView.Validation(v.step, v.loss)).toList());
    }

    public static JobEventView toView(JobEvent e) {
        return new JobEventView(e.type, e.state, e.level, e.message, e.step, e.createdAt);
    }

    /**
     * job-submitted v1 types batchSize as an integer and trainingType as lora or full: a provider's "max" travels as
     * {@code batchSizeMode}, and a training type v1 has no word for (OpenAI's managed) is left out.
     */
    public static JobSubmitted toSubmitted(Job j) {
        Map<String, Object> values = values(j);
        if (values.containsKey("batchSize") && !(values.get("batchSize") instanceof Number)) {
            values.put("batchSizeMode", values.remove("batchSize"));
        }
        if ("managed".equals(values.get("trainingType"))) {
            values.remove("trainingType");
        }
        return new JobSubmitted(j.tenantId, j.id, j.datasetId, j.baseModel, j.backend, values, j.createdAt);
    }

    public static JobCompleted toCompleted(Job j) {
        return new JobCompleted(j.tenantId, j.id, j.datasetId, j.baseModel, j.status.name(), j.backend, j.method.wireName(), artifact(j), j.failureCode,
                j.failureReason, j.steps, j.finalTrainLoss, j.finalValidationLoss, j.finishedAt, j.providerJobId, j.actualCostUsd,
                evaluation(j));
    }

    /** The evaluation the job's request asked for, passed on to eval-service; null when it asked for the defaults. */
    private static JobCompleted.Evaluation evaluation(Job j) {
        JsonNode asked = j.request == null ? null : SpecJson.tree(j.request).get("evaluation");
        if (asked == null || asked.isNull()) {
            return null;
        }
        EvaluationSpec spec = JSON.convertValue(asked, EvaluationSpec.class);
        return new JobCompleted.Evaluation(spec.enabled(), spec.metric(), spec.metrics(), spec.maxItems(), spec.datasetId(), spec.promote());
    }

    /** What a SUCCEEDED job produced: in our bucket when it has a key there, else the model its provider keeps. */
    private static JobCompleted.Artifact artifact(Job j) {
        if (j.status != JobStatus.SUCCEEDED || j.artifactType == null) {
            return null;
        }
        return j.artifactKey != null ? new JobCompleted.Artifact(j.artifactType, j.bucket, j.artifactKey, null)
                : new JobCompleted.Artifact(j.artifactType, null, null, j.outputModel != null ? j.outputModel : j.providerJobId);
    }

    /** The effective values, by name, as stored (the spec's own field names, on every backend). */
    @SuppressWarnings("unchecked")
    public static Map<String, Object> values(Job j) {
        JsonNode values = SpecJson.tree(j.effectiveSpec).path("values");
        return new LinkedHashMap<>(JSON.convertValue(values, Map.class));
    }

    @SuppressWarnings("unchecked")
    public static Map<String, String> sources(Job j) {
        JsonNode sources = SpecJson.tree(j.effectiveSpec).path("sources");
        return new LinkedHashMap<>(JSON.convertValue(sources, Map.class));
    }
}
