package dev.refinery.providers.spec;

import dev.refinery.catalog.TrainingMethod;
import dev.refinery.catalog.TrainingType;

/**
 * A provider's documented defaults for a job on this base model, method and training type, given what the user
 * and the catalog already set. Some depend on the model (Together's LoRA rank defaults to the model's max rank).
 */
@FunctionalInterface
public interface ProviderDefaults {

    ProviderDefaults NONE = (baseModel, method, type, alreadySet) -> SpecValues.EMPTY;

    SpecValues defaultsFor(String baseModel, TrainingMethod method, TrainingType trainingType, SpecValues alreadySet);
}
