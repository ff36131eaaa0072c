package dev.refinery.inference.capture.api;

import java.util.Locale;
import java.util.Optional;

/** What an export of captured traffic holds, in the dataset formats the platform validates and trains on. */
public enum ExportKind {
    /** Conversations ({@code {"messages": [...]}}): corrected answers, and well-rated answers as they were. */
    SFT,
    /** Preference pairs ({@code input / preferred_output / non_preferred_output}), for DPO. */
    PREFERENCE;

    public static Optional<ExportKind> of(String name) {
        for (ExportKind k : values()) {
            if (k.name().toLowerCase(Locale.ROOT).equals(name)) {
                return Optional.of(k);
            }
        }
        return Optional.empty();
    }
}
