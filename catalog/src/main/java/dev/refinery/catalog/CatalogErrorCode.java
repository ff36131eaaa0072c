package dev.refinery.catalog;

/**
 * Stable codes for what can go wrong with the catalog and with a cost estimate built on it; services serve them as
 * the problem+json {@code code}.
 */
public enum CatalogErrorCode {
    /** The file could not be read or is not JSON. */
    CATALOG_UNREADABLE,
    /** The file is JSON but breaks the catalog format; the message lists every problem with its JSON path. */
    CATALOG_INVALID,
    CATALOG_BACKEND_UNKNOWN,
    /** No model with that id or alias on that backend; the exception lists near matches. */
    CATALOG_MODEL_UNKNOWN,
    CATALOG_METHOD_UNSUPPORTED,
    CATALOG_TRAINING_TYPE_UNSUPPORTED,
    /** A cost request that cannot be estimated as given (negative counts, evaluations without validation data...). */
    COST_INPUT_INVALID
}
