package dev.refinery.catalog;

import java.util.OptionalInt;

/**
 * Longest training example, in tokens, per method. {@code null} means unknown (not published in our sources):
 * callers then skip length checks and say so rather than invent a limit.
 */
public record ContextLengths(Integer sft, Integer dpo, String source) {

    public OptionalInt forMethod(TrainingMethod method) {
        Integer value = method == TrainingMethod.DPO ? dpo : sft;
        return value == null ? OptionalInt.empty() : OptionalInt.of(value);
    }
}
