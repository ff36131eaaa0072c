package dev.refinery.catalog;

import java.util.List;

/** What a backend accepts for LoRA on one model; {@code maxRank} null when unknown, modules empty when unknown. */
public record LoraLimits(Integer maxRank, List<String> targetModules, String source) {

    public LoraLimits {
        targetModules = targetModules == null ? List.of() : List.copyOf(targetModules);
    }
}
