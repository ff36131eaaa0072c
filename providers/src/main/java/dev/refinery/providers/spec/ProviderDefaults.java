package dev.refinery.providers.spec;

/** A provider's documented defaults for a job of this method and training type, given what is already set. */
@FunctionalInterface
public interface ProviderDefaults {

    ProviderDefaults NONE = (method, type, alreadySet) -> SpecValues.EMPTY;

    SpecValues defaultsFor(TrainingMethod method, TrainingType trainingType, SpecValues alreadySet);
}
