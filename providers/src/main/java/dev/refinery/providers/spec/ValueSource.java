package dev.refinery.providers.spec;

/** Where an effective setting came from, so a job can show why it trained with a value nobody typed. */
public enum ValueSource {
    /** Set in the job spec. */
    USER,
    /** Our model catalog's default for this base model. */
    CATALOG_DEFAULT,
    /** The provider's documented default, filled in by its adapter. */
    PROVIDER_DEFAULT,
    /** Taken from the earlier job a second stage continues (fromJob): the adapter's shape, the model it trained. */
    FROM_JOB
}
