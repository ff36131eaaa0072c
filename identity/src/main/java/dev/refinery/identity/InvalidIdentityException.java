package dev.refinery.identity;

/** A request's identity is missing or does not verify; {@link #code()} is the stable error code a 401 carries. */
public class InvalidIdentityException extends RuntimeException {

    private final String code;

    public InvalidIdentityException(String code, String message) {
        super(message);
        this.code = code;
    }

    public String code() {
        return code;
    }
}
