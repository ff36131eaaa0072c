package dev.refinery.providers.kubernetes;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.refinery.providers.spec.BatchSize;
import dev.refinery.providers.spec.EffectiveSpec;
import dev.refinery.providers.spec.SpecField;
import dev.refinery.providers.spi.ErrorCode;
import dev.refinery.providers.spi.ProviderException;
import dev.refinery.providers.spi.UploadedFile;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * The job spec as the trainer reads it ({@code deploy/trainer/refinery_trainer/spec.py}): the provider-neutral
 * spec's own field names under {@code settings}, enums by name, and the dataset keys in the platform's bucket.
 * {@code fromCheckpoint} (an earlier job's adapter folder, {@code s3://bucket/jobs/{id}/adapter/}) is written as the
 * top-level {@code initAdapter}: like the datasets, it is an input the trainer downloads, not a hyperparameter.
 */
final class TrainerSpecDocument {

    /** The settings the trainer runs; the same list as SUPPORTED_SETTINGS in the trainer's spec.py. */
    static final Set<SpecField<?>> SUPPORTED = Set.of(
            SpecField.TRAINING_TYPE, SpecField.EPOCHS, SpecField.LEARNING_RATE, SpecField.BATCH_SIZE,
            SpecField.LR_SCHEDULER, SpecField.MIN_LR_RATIO, SpecField.NUM_CYCLES, SpecField.WARMUP_RATIO,
            SpecField.WEIGHT_DECAY, SpecField.MAX_GRAD_NORM, SpecField.SEED, SpecField.N_EVALS, SpecField.TRAIN_ON_INPUTS,
            SpecField.LORA_RANK, SpecField.LORA_ALPHA, SpecField.LORA_DROPOUT, SpecField.LORA_TARGET_MODULES,
            SpecField.DPO_VARIANT, SpecField.DPO_BETA, SpecField.DPO_NLL_WEIGHT, SpecField.SIMPO_GAMMA, SpecField.FROM_CHECKPOINT);

    /** The trainer's name for {@link SpecField#FROM_CHECKPOINT}. */
    static final String INIT_ADAPTER = "initAdapter";

    private static final ObjectMapper JSON = new ObjectMapper();

    private TrainerSpecDocument() {
    }

    static String json(String jobId, EffectiveSpec spec, UploadedFile training, UploadedFile validationOrNull) {
        Map<String, Object> settings = new LinkedHashMap<>();
        spec.settings().forEach((field, setting) -> {
            if (!SUPPORTED.contains(field) || field == SpecField.FROM_CHECKPOINT) {
                return; // a default this backend does not run; the user's own settings were refused before
            }
            Object value = setting.value();
            if (value instanceof BatchSize batch) {
                if (batch.isMax()) {
                    if (setting.source() == dev.refinery.providers.spec.ValueSource.USER) {
                        throw new ProviderException(KubernetesTrainerBackend.NAME, ErrorCode.PROVIDER_UNSUPPORTED,
                                "batchSize \"max\" is a hosted provider's choice; the Kubernetes GPU worker needs a number of examples",
                                0, null, "batchSize", null);
                    }
                    return;
                }
                value = batch.examples();
            } else if (value instanceof Enum<?> e) {
                value = e.name();
            }
            settings.put(field.name(), value);
        });
        Map<String, Object> document = new LinkedHashMap<>();
        document.put("jobId", jobId);
        document.put("baseModel", spec.baseModel());
        document.put("method", spec.method().name());
        document.put("trainingFile", training.id());
        if (validationOrNull != null) {
            document.put("validationFile", validationOrNull.id());
        }
        spec.value(SpecField.FROM_CHECKPOINT).ifPresent(adapter -> document.put(INIT_ADAPTER, adapter));
        document.put("settings", settings);
        try {
            return JSON.writeValueAsString(document);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a map of strings, numbers and lists always serialises", e);
        }
    }
}
