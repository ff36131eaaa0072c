package dev.refinery.providers.spi;

import dev.refinery.providers.spec.EffectiveSpec;
import dev.refinery.providers.spec.SpecField;
import dev.refinery.providers.spec.TrainingMethod;
import dev.refinery.providers.spec.TrainingType;
import dev.refinery.providers.spec.ValueSource;

import java.util.Set;

/**
 * What a backend can do, so a caller can refuse a spec before uploading anything. {@code settings} lists the
 * spec fields the backend sends to its provider; a field a user set that is not in it is refused at create.
 */
public record Capabilities(
        boolean dpo,
        boolean fullTraining,
        boolean loraParameters,
        boolean fromCheckpoint,
        boolean pauseResume,
        boolean download,
        Set<SpecField<?>> settings) {

    public Capabilities {
        settings = Set.copyOf(settings);
    }

    /**
     * Refuses a spec this backend cannot run as written: DPO or full training where they are not offered, or a
     * setting the user chose that the backend would have to drop. Catalog and provider defaults the backend
     * does not send are simply not sent; they were never the user's request.
     */
    public void refuseUnsupported(String provider, EffectiveSpec spec) {
        if (spec.method() == TrainingMethod.DPO && !dpo) {
            throw new ProviderException(provider, ErrorCode.PROVIDER_UNSUPPORTED, provider + " does not offer DPO training");
        }
        if (spec.trainingType() == TrainingType.FULL && !fullTraining) {
            throw new ProviderException(provider, ErrorCode.PROVIDER_UNSUPPORTED, provider + " does not offer full fine-tuning, only LoRA");
        }
        spec.settings().forEach((field, setting) -> {
            if (setting.source() == ValueSource.USER && !settings.contains(field)) {
                throw new ProviderException(provider, ErrorCode.PROVIDER_UNSUPPORTED,
                        provider + " has no equivalent of the setting '" + field.name() + "'; remove it or choose another backend",
                        0, null, field.name(), null);
            }
        });
    }
}
