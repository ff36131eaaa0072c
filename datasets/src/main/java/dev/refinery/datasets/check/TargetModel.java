package dev.refinery.datasets.check;

import dev.refinery.datasets.tokens.TokenCounter;

/**
 * The model one target's verdict is measured against: its id (null when a test names none), how to count
 * its tokens, and its context in tokens. Each target has its own: the one the user chose for the target
 * checked, the catalog's default model for the others.
 */
public record TargetModel(String modelId, TokenCounter tokens, int contextLength) {
}
