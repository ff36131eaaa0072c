package dev.refinery.validation.service;

/**
 * A dataset's check options cannot be used here (a model this service's catalog does not have, a test set
 * whose file is gone). Checking again would not help, so the run fails at once with this message.
 */
public class CheckChoiceException extends RuntimeException {

    private final String field;

    public CheckChoiceException(String field, String message) {
        super("checks." + field + ": " + message);
        this.field = field;
    }

    public String field() {
        return field;
    }
}
