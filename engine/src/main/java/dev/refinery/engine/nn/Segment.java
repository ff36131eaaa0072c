package dev.refinery.engine.nn;

/**
 * A run of consecutive tokens that attend to each other causally: one example, or one example
 * of a packed row. Tokens of different segments never see each other.
 *
 * @param start index of the first token in the flattened batch
 * @param length number of tokens
 */
public record Segment(int start, int length) {
}
