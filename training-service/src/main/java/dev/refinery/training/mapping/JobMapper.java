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

import java.util.List;

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
        return new JobView(j.id, j.datasetId, j.baseModel, j.backend, j.status, h.values(), h.sources(), j.attempts, j.createdAt,
                j.startedAt, j.finishedAt, progress, result);
    }

    public static JobMetricsView toMetricsView(String jobId, List<JobStepMetric> steps, List<JobValidationLoss> validation) {
        return new JobMetricsView(jobId,
                steps.stream().map(m -> new JobMetricsView.Step(m.step, m.epoch, m.loss, m.learningRate, m.gradNorm, m.tokens,
                        m.tokensPerSecond)).toList(),
                validation.stream().map(v -> new JobMetricsView.Validation(v.step, v.loss)).toList());
    }

    public static JobEventView toView(JobEvent e) {
        return new JobEventView(e.type, e.message, e.step, e.createdAt);
    }

    public static JobSubmitted toSubmitted(Job j) {
        return new JobSubmitted(j.id, j.datasetId, j.baseModel, j.backend,
                HyperparameterJson.read(j.hyperparameters, j.hyperparameterSources).values(), j.createdAt);
    }

    public static JobCompleted toCompleted(Job j) {
        return new JobCompleted(j.id, j.datasetId, j.baseModel, j.status, j.bucket, j.adapterKey, j.failureCode, j.failureReason, j.steps,
                j.finalTrainLoss, j.finalValidationLoss, j.finishedAt);
    }
}
