package dev.refinery.training.rest;

import java.math.BigDecimal;
import java.time.OffsetDateTime;
import java.util.Map;

/**
 * A job as the API shows it.
 *
 * @param hyperparameters       every effective setting, on every backend in the same names (docs/providers.md)
 * @param hyperparameterSources for each setting: "user" (sent in the request), "catalog_default", "provider_default" (the
 *                              backend's documented default; the engine's own for local jobs) or "from_job" (taken from the
 *                              job a second stage continues)
 * @param attempts              attempts started (an interrupted one is resumed by the next)
 * @param fromJob               the job whose result a second stage continues
 * @param rerunOf               the job whose request this one repeats (POST /jobs/{id}/rerun), perhaps on another backend
 */
public record JobView(String id, String datasetId, String baseModel, String backend, String status, Map<String, Object> hyperparameters,
                      Map<String, String> hyperparameterSources, int attempts, OffsetDateTime createdAt, OffsetDateTime startedAt,
                      OffsetDateTime finishedAt, Progress progress, Result result, String method, String tenantId, String fromJob,
                      String rerunOf, Provider provider, Cost cost) {

    /**
     * A provider job at its provider.
     *
     * @param rawStatus   the provider's own status word, beside the canonical {@code status}
     * @param outputModel the provider's name of the trained model
     * @param pausedAt    since when the provider reports the job paused (the status stays RUNNING); null while it is not
     */
    public record Provider(String jobId, String rawStatus, String stateNote, String outputModel, OffsetDateTime pausedAt) {
    }

    /**
     * Money: the catalog estimate made at submission (and how), the job's own cap, and what the provider says it cost.
     */
    public record Cost(BigDecimal estimateLowUsd, BigDecimal estimateExpectedUsd, BigDecimal estimateHighUsd, String estimate,
                       BigDecimal budgetUsd, BigDecimal actualUsd, String actualSource) {
    }

    /**
     * Where a job is.
     *
     * @param step           last finished optimizer step
     * @param totalSteps     steps of the whole run
     * @param epoch          fractional epoch reached
     * @param loss           training loss of the last step
     * @param etaSeconds     estimated seconds to the end of training
     * @param checkpointStep step of the newest checkpoint stored (resumes start there)
     */
    public record Progress(Integer step, Integer totalSteps, Double epoch, Double loss, Double etaSeconds, Integer checkpointStep,
                           OffsetDateTime updatedAt) {
    }

    /**
     * What a finished job produced, or why it failed.
     *
     * @param artifact    what a SUCCEEDED job produced, as job-completed v2 says it
     * @param failureCode stable code, e.g. ENGINE_NON_FINITE_LOSS
     */
    public record Result(Artifact artifact, Integer steps, Double finalTrainLoss, Double finalValidationLoss, String failureCode,
                         String failureReason) {
    }

    /**
     * @param type          lora-adapter (PEFT adapter_config.json + adapter_model.safetensors), full-model (config.json +
     *                      model.safetensors) or provider-model (kept and served by its provider)
     * @param bucket        with {@code key}: where it is in object storage
     * @param providerModel the provider's name of it, when the provider keeps the weights
     */
    public record Artifact(String type, String bucket, String key, String providerModel) {
    }
}
