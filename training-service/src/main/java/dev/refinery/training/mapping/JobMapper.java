package dev.refinery.training.mapping;

import dev.refinery.training.events.JobCompleted;
import dev.refinery.training.events.JobSubmitted;
import dev.refinery.training.repository.Job;
import dev.refinery.training.repository.JobEvent;
import dev.refinery.training.repository.JobStepMetric;
import dev.refinery.training.repository.JobValidationLoss;
import dev.refinery.training.rest.JobEventView;
import dev.refinery.training.rest.JobMetricsView;
import dev.refinery.training.rest.JobView;
import dev.refinery.training.service.Hyperparameters;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Job entity to API views and to event payloads: the three models stay apart. */
public final class JobMapper {

    private JobMapper() {
    }

    public static JobView toView(Job j) {
        Hyperparameters h = HyperparameterJson.read(j.hyperparameters, j.hyperparameterSources);
        JobView.Progress progress = new JobView.Progress(j.currentStep, j.totalSteps, j.epoch, j.trainLoss, j.etaSeconds, j.checkpointStep,
                j.progressAt);
        JobView.Result result = j.isFinished()
                ? new JobView.Result(j.bucket, j.adapterKey, j.steps, j.finalTrainLoss, j.finalValidationLoss, j.failureCode, j.failureReason)
                : null;
        JobView.Provider provider = j.isLocal() ? null : new JobView.Provider(j.providerJobId, j.rawStatus, j.stateNote, j.outputModel,
                j.pausedAt);
        JobView.Cost cost = new JobView.Cost(j.estimateLowUsd, j.estimateExpectedUsd, j.estimateHighUsd, j.estimateNote, j.budgetUsd,
                j.actualCostUsd, j.actualCostSource);
        return new JobView(j.id, j.datasetId, j.baseModel, j.backend, j.status, h.values(), h.sources(), j.attempts, j.createdAt,
                j.startedAt, j.finishedAt, progress, result, j.method, j.tenantId, j.fromJobId, provider, cost);
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

    public static JobSubmitted toSubmitted(Job j) {
        Map<String, Object> values = new LinkedHashMap<>(HyperparameterJson.read(j.hyperparameters, j.hyperparameterSources).values());
        // job-submitted v1 types batchSize as an integer: a provider's "max" travels beside it.
        if (values.containsKey("batchSize") && !(values.get("batchSize") instanceof Number)) {
            values.put("batchSizeMode", values.remove("batchSize"));
        }
        return new JobSubmitted(j.id, j.datasetId, j.baseModel, j.backend, values, j.createdAt);
    }

    public static JobCompleted toCompleted(Job j) {
        boolean local = j.isLocal();
        // A bucket only where adapterKey is a key in it: the local engine's and the cluster trainer's, not '<provider>:<model>'.
        boolean inBucket = local || j.adapterKey != null && j.adapterKey.startsWith("jobs/");
        return new JobCompleted(j.id, j.datasetId, j.baseModel, j.status, inBucket ? j.bucket : null, j.adapterKey, j.failureCode, j.failureReason,
                j.steps, j.finalTrainLoss, j.finalValidationLoss, j.finishedAt, j.backend, local ? null : j.outputModel, j.providerJobId,
                j.actualCostUsd);
    }
}
