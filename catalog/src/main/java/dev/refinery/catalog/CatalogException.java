package dev.refinery.catalog;

import java.util.List;

/**
 * A catalog problem a person can act on: a stable code, a sentence, and what may help (near matches for a
 * mistyped model, every invalid JSON path for a broken file).
 */
public class CatalogException extends RuntimeException {

    private final CatalogErrorCode code;
    private final List<String> details;

    public CatalogException(CatalogErrorCode code, String message, List<String> details) {
        super(message);
        this.code = code;
        this.details = List.copyOf(details);
    }

    public CatalogException(CatalogErrorCode code, String message) {
        this(code, message, List.of());
    }

    public CatalogErrorCode code() {
        return code;
    }

    /** Near matches for {@link CatalogErrorCode#CATALOG_MODEL_UNKNOWN}; "path: problem" lines for an invalid file. */
    public List<String> details() {
        return details;
    }
}
