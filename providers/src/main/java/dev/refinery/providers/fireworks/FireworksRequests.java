package dev.refinery.providers.fireworks;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.refinery.providers.http.LenientJson;
import dev.refinery.providers.spec.EffectiveSpec;
import dev.refinery.providers.spec.SpecField;
import dev.refinery.catalog.TrainingMethod;
import dev.refinery.providers.spi.UploadedFile;

/**
 * Job bodies for {@code supervisedFineTuningJobs} (training fields at the top level) and {@code dpoJobs}
 * (training fields under {@code trainingConfig}, loss under {@code lossConfig}), reference providers.md §3.3–3.4.
 */
final class FireworksRequests {

    private FireworksRequests() {
    }

    static ObjectNode createJob(EffectiveSpec spec, UploadedFile training, UploadedFile validation) {
        ObjectNode body = LenientJson.MAPPER.createObjectNode();
        body.put("dataset", training.id());
        ObjectNode trainingFields = spec.method() == TrainingMethod.SFT ? body : body.putObject("trainingConfig");
        // warmStartFrom continues from an existing LoRA model; it replaces baseModel (two-stage SFT -> DPO).
        spec.value(SpecField.FROM_CHECKPOINT).ifPresentOrElse(c -> trainingFields.put("warmStartFrom", c),
                () -> trainingFields.put("baseModel", spec.baseModel()));
        spec.value(SpecField.SUFFIX).ifPresent(s -> body.put("displayName", s));
        spec.value(SpecField.EPOCHS).ifPresent(v -> trainingFields.put("epochs", v));
        spec.value(SpecField.LEARNING_RATE).ifPresent(v -> trainingFields.put("learningRate", v));
        spec.value(SpecField.LORA_RANK).ifPresent(v -> trainingFields.put("loraRank", v));
        // Fireworks' batchSize counts tokens per packed batch; ours counts examples, which is batchSizeSamples.
        spec.value(SpecField.BATCH_SIZE).filter(b -> !b.isMax()).ifPresent(b -> trainingFields.put("batchSizeSamples", b.examples()));
        spec.value(SpecField.WEIGHT_DECAY).ifPresent(v -> trainingFields.put("optimizerWeightDecay", v));
        if (validation != null) {
            body.put("evaluationDataset", validation.id());
        }
        if (spec.method() == TrainingMethod.DPO) {
            ObjectNode loss = body.putObject("lossConfig");
            // The docs disagree on whether an unset method means DPO or GRPO: always say DPO.
            loss.put("method", "DPO");
            spec.value(SpecField.DPO_BETA).ifPresent(b -> loss.putObject("dpo").put("beta", b));
        }
        return body;
    }
}
