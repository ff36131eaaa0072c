package dev.refinery.providers.together;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.refinery.providers.http.LenientJson;
import dev.refinery.providers.spec.BatchSize;
import dev.refinery.providers.spec.DpoVariant;
import dev.refinery.providers.spec.EffectiveSpec;
import dev.refinery.providers.spec.LrSchedulerType;
import dev.refinery.providers.spec.SpecField;
import dev.refinery.providers.spec.TrainOnInputs;
import dev.refinery.catalog.TrainingMethod;
import dev.refinery.catalog.TrainingType;
import dev.refinery.providers.spi.UploadedFile;

/** The body of {@code POST /fine-tunes}, field for field as reference providers.md §1.4 gives it. */
final class TogetherRequests {

    private TogetherRequests() {
    }

    static ObjectNode createJob(EffectiveSpec spec, UploadedFile training, UploadedFile validation) {
        ObjectNode body = LenientJson.MAPPER.createObjectNode();
        body.put("training_file", training.id());
        if (validation != null) {
            body.put("validation_file", validation.id());
        }
        // The SDK treats model and from_checkpoint as mutually exclusive: the checkpoint names its own base.
        spec.value(SpecField.FROM_CHECKPOINT).ifPresentOrElse(c -> body.put("from_checkpoint", c), () -> body.put("model", spec.baseModel()));
        spec.value(SpecField.EPOCHS).ifPresent(v -> body.put("n_epochs", v));
        spec.value(SpecField.N_CHECKPOINTS).ifPresent(v -> body.put("n_checkpoints", v));
        spec.value(SpecField.N_EVALS).ifPresent(v -> body.put("n_evals", v));
        spec.value(SpecField.BATCH_SIZE).ifPresent(b -> putBatchSize(body, b));
        spec.value(SpecField.LEARNING_RATE).ifPresent(v -> body.put("learning_rate", v));
        spec.value(SpecField.LR_SCHEDULER).ifPresent(type -> {
            ObjectNode scheduler = body.putObject("lr_scheduler");
            scheduler.put("lr_scheduler_type", type == LrSchedulerType.COSINE ? "cosine" : "linear");
            ObjectNode args = scheduler.putObject("lr_scheduler_args");
            spec.value(SpecField.MIN_LR_RATIO).ifPresent(v -> args.put("min_lr_ratio", v));
            if (type == LrSchedulerType.COSINE) {
                spec.value(SpecField.NUM_CYCLES).ifPresent(v -> args.put("num_cycles", v));
            }
        });
        spec.value(SpecField.WARMUP_RATIO).ifPresent(v -> body.put("warmup_ratio", v));
        spec.value(SpecField.MAX_GRAD_NORM).ifPresent(v -> body.put("max_grad_norm", v));
        spec.value(SpecField.WEIGHT_DECAY).ifPresent(v -> body.put("weight_decay", v));
        spec.value(SpecField.SEED).ifPresent(v -> body.put("random_seed", v));
        spec.value(SpecField.SUFFIX).ifPresent(v -> body.put("suffix", v));
        if (spec.valueOr(SpecField.EARLY_STOPPING_ENABLED, false)) {
            body.put("early_stopping_enabled", true);
            spec.value(SpecField.EARLY_STOPPING_PATIENCE).ifPresent(v -> body.put("early_stopping_patience", v));
            spec.value(SpecField.EARLY_STOPPING_MIN_DELTA).ifPresent(v -> body.put("early_stopping_min_delta", v));
            spec.value(SpecField.EARLY_STOPPING_WARMUP_EVALS).ifPresent(v -> body.put("early_stopping_warmup_evals", v));
        }
        putTrainingType(body, spec);
        putTrainingMethod(body, spec);
        return body;
    }

    private static void putBatchSize(ObjectNode body, BatchSize b) {
        if (b.isMax()) {
            body.put("batch_size", "max");
        } else {
            body.put("batch_size", b.examples());
        }
    }

    private static void putTrainingType(ObjectNode body, EffectiveSpec spec) {
        ObjectNode type = body.putObject("training_type");
        if (spec.trainingType() == TrainingType.FULL) {
            type.put("type", "Full");
            return;
        }
        type.put("type", "Lora");
        spec.value(SpecField.LORA_RANK).ifPresent(v -> type.put("lora_r", v));
        spec.value(SpecField.LORA_ALPHA).ifPresent(v -> type.put("lora_alpha", v));
        spec.value(SpecField.LORA_DROPOUT).ifPresent(v -> type.put("lora_dropout", v));
        spec.value(SpecField.LORA_TARGET_MODULES).ifPresent(v -> type.put("lora_trainable_modules", String.join(",", v)));
    }

    private static void putTrainingMethod(ObjectNode body, EffectiveSpec spec) {
        ObjectNode method = body.putObject("training_method");
        if (spec.method() == TrainingMethod.SFT) {
            method.put("method", "sft");
            spec.value(SpecField.TRAIN_ON_INPUTS).ifPresent(t -> {
                if (t == TrainOnInputs.AUTO) {
                    method.put("train_on_inputs", "auto");
                } else {
                    method.put("train_on_inputs", t == TrainOnInputs.YES);
                }
            });
            return;
        }
        method.put("method", "dpo");
        spec.value(SpecField.DPO_BETA).ifPresent(v -> method.put("dpo_beta", v));
        spec.value(SpecField.DPO_NLL_WEIGHT).ifPresent(v -> method.put("rpo_alpha", v));
        DpoVariant variant = spec.valueOr(SpecField.DPO_VARIANT, DpoVariant.STANDARD);
        // SimPO is reference-free and length-normalised by definition; the SDK forces both when simpo_gamma > 0,
        // we force them for the variant whatever the margin.
        method.put("dpo_normalize_logratios_by_length", variant != DpoVariant.STANDARD);
        method.put("dpo_reference_free", variant == DpoVariant.SIMPO);
        if (variant == DpoVariant.SIMPO) {
            method.put("simpo_gamma", spec.valueOr(SpecField.SIMPO_GAMMA, 0.0));
        }
    }
}
