package dev.refinery.ingest.rest;

/** One reason an example was refused (or a warning on an accepted one): the validator's rule code, JSON path, message and hint. */
public record ExampleProblemView(String code, String path, String message, String hint) {
}
