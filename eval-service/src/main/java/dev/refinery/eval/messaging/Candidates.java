package dev.refinery.eval.messaging;

import dev.refinery.identity.Tenants;
import dev.refinery.eval.events.JobCompleted;
import dev.refinery.eval.repository.ArtifactType;
import dev.refinery.eval.registry.ModelRegistry;
import dev.refinery.eval.service.ArtifactFetcher;
import dev.refinery.eval.service.ModelEndpoints;
import dev.refinery.eval.service.EvaluationService;
import dev.refinery.kit.events.MalformedEventException;

import java.util.Optional;
import java.util.Set;

/**
 * What a job-completed event of either version asks this service to evaluate: the job's model in object storage (a LoRA
 * adapter or a whole model), or nothing (the job failed, or its provider keeps the weights). A record that breaks its
 * version's contract can never be evaluated: {@link MalformedEventException}, to the dead-letter topic.
 */
final class Candidates {

    /** contracts/schemas: the tenant, when an event names one. */
    private static final Set<String> STATUSES = Set.of("SUCCEEDED", "FAILED", "CANCELLED");

    private Candidates() {
    }

    /**
     * The model version a valid event announces (null when it announces none: the job failed, or a v1 event of a provider's
     * job, which does not name the model), and why it is not evaluated when it is not.
     */
    record Reading(ModelRegistry.Produced produced, String noEvaluationBecause, JobCompleted.Evaluation asked) {

        /**
         * Whether it is evaluated here: its job did not ask for none, and its weights are in our bucket or its provider's API
         * has a key here.
         */
        boolean evaluable(ModelEndpoints endpoints) {
            return produced != null && (asked == null || asked.evaluates())
                    && (produced.type().inBucket() || endpoints.configured(produced.backend()));
        }
    }

    static Reading read(JobCompleted e, int version, String ceId) {
        requireCommonFields(e, ceId);
        if (!e.succeeded()) {
            return new Reading(null, "it ended " + e.status(), null);
        }
        Reading reading = version == 1 ? v1(e, ceId) : v2(e, ceId);
        if (e.evaluation() != null && !e.evaluation().evaluates()) {
            return new Reading(reading.produced(), "its job asked for no evaluation (evaluation.enabled false)", e.evaluation());
        }
        return new Reading(reading.produced(), reading.noEvaluationBecause(), e.evaluation());
    }

    /** v1: the adapter of a job trained on the local engine (no backend, from before providers, means local). */
    private static Reading v1(JobCompleted e, String ceId) {
        if (blank(e.adapterKey())) {
            throw breaks(ceId, "a SUCCEEDED job must carry its adapterKey");
        }
        if (e.backend() != null && !e.backend().equals("local")) {
            return new Reading(null, "it trained on " + e.backend() + ", which keeps the model", null);
        }
        return new Reading(produced(e, "local", ArtifactType.LORA_ADAPTER, e.bucket(), e.adapterKey(), null), null, null);
    }

    /** v2: the artifact, wherever the job trained, when its weights are in object storage. */
    private static Reading v2(JobCompleted e, String ceId) {
        JobCompleted.Artifact a = e.artifact();
        if (blank(e.backend())) {
            throw breaks(ceId, "backend is missing");
        }
        if (a == null || blank(a.type())) {
            throw breaks(ceId, "a SUCCEEDED job must carry its artifact and its type");
        }
        boolean inBucket = !blank(a.bucket()) && !blank(a.key());
        if (!inBucket && blank(a.providerModel())) {
            throw breaks(ceId, "the artifact has neither bucket + key nor providerModel");
        }
        ArtifactType type = switch (a.type()) {
            case "lora-adapter" -> ArtifactType.LORA_ADAPTER;
            case "full-model" -> ArtifactType.FULL_MODEL;
            case "provider-model" -> null;
            default -> throw breaks(ceId, "artifact type '" + a.type() + "' is not lora-adapter, full-model or provider-model");
        };
        if (type == null || !inBucket) {
            return new Reading(produced(e, e.backend(), ArtifactType.PROVIDER_MODEL, null, null, a.providerModel()),
                    "its " + a.type() + " " + a.providerModel() + " stays with " + e.backend() + ", and this service cannot ask "
                            + e.backend(), null);
        }
        return new Reading(produced(e, e.backend(), type, a.bucket(), a.key(), null), null, null);
    }

    private static ModelRegistry.Produced produced(JobCompleted e, String backend, ArtifactType type, String bucket, String key,
                                                   String providerModel) {
        return new ModelRegistry.Produced(e.owner(), e.jobId(), e.datasetId(), e.baseModel(), backend, type, bucket,
                key == null ? null : ArtifactFetcher.prefix(key), providerModel);
    }

    private static void requireCommonFields(JobCompleted e, String ceId) {
        if (e.tenant() != null && !Tenants.isValid(e.tenant())) {
            throw breaks(ceId, "tenant is not 1 to 100 letters, digits, '.', '_' or '-'");
        }
        if (e.jobId() == null || !EvaluationService.JOB_ID.matcher(e.jobId()).matches()) {
            throw breaks(ceId, "jobId '" + e.jobId() + "' is not ft- followed by 32 hex digits");
        }
        if (e.datasetId() == null || !EvaluationService.DATASET_ID.matcher(e.datasetId()).matches()) {
            throw breaks(ceId, "datasetId '" + e.datasetId() + "' is not ds- followed by 32 hex digits");
        }
        if (blank(e.baseModel())) {
            throw breaks(ceId, "baseModel is missing");
        }
        if (!STATUSES.contains(e.status())) {
            throw breaks(ceId, "status '" + e.status() + "' is not SUCCEEDED, FAILED or CANCELLED");
        }
    }

    static Optional<Integer> version(String ceType) {
        return switch (ceType) {
            case JobCompleted.TYPE_V1 -> Optional.of(1);
            case JobCompleted.TYPE_V2 -> Optional.of(2);
            default -> Optional.empty();
        };
    }

    private static MalformedEventException breaks(String ceId, String problem) {
        return new MalformedEventException("job-completed " + ceId + " breaks its contract: " + problem);
    }

    private static boolean blank(String s) {
        return s == null || s.isBlank();
    }
}
