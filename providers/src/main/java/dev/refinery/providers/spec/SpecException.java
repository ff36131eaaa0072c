package dev.refinery.providers.spec;

/** A job spec that cannot be run as written: a stable code, the field, and a sentence a person understands. */
public class SpecException extends IllegalArgumentException {

    private final String code;
    private final String field;

    public SpecException(String code, String field, String message) {
        super(field + ": " + message);
        this.code = code;
        this.field = field;
    }

    public String code() {
        return code;
    }

    public String field() {
        return field;
    }
}
