package dev.refinery.training.service;

/**
 * One field of a job request that cannot be accepted, as the 400 answer lists it: the field, the value sent, what is
 * allowed there (on the chosen backend), and a sentence for a person.
 */
public record FieldViolation(String field, Object value, String allowed, String message, String code) {

    /** A problem with a job setting (the most common kind). */
    public static FieldViolation setting(String field, Object value, String allowed, String message) {
        return new FieldViolation(field, value, allowed, message, "JOB_HYPERPARAMETERS_INVALID");
    }
}
