package dev.refinery.catalog;

import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;

/**
 * Which weights a job trains. {@code MANAGED} is for providers that decide this themselves and offer no choice
 * (OpenAI): pricing one as LoRA or full would claim a fact nobody published.
 */
public enum TrainingType {
    LORA,
    FULL,
    MANAGED;

    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static Optional<TrainingType> fromWireName(String name) {
        return Arrays.stream(values()).filter(t -> t.wireName().equalsIgnoreCase(name)).findFirst();
    }
}
