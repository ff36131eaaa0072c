package dev.refinery.catalog;

import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;

/** What the training optimises: supervised fine-tuning or direct preference optimisation. */
public enum TrainingMethod {
    SFT,
    DPO;

    /** The lowercase name the catalog file and the APIs use ({@code sft}, {@code dpo}). */
    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static Optional<TrainingMethod> fromWireName(String name) {
        return Arrays.stream(values()).filter(m -> m.wireName().equalsIgnoreCase(name)).findFirst();
    }
}
