package dev.refinery.training.rest;

/** A base model that jobs can fine-tune. */
public record ModelView(String id, String backend, String format, int contextLength) {
}
