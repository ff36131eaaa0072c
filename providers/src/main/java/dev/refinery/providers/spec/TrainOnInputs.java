package dev.refinery.providers.spec;

/** Whether prompt tokens count in the loss. AUTO lets the provider decide by format (Together masks chat inputs). */
public enum TrainOnInputs {
    AUTO,
    YES,
    NO
}
