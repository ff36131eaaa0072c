package dev.refinery.validation.records;

import java.util.Locale;

/** The three parts a valid dataset is divided into. */
public enum Split {
    TRAIN, VALIDATION, TEST;

    /** Lower-case name, as used in object keys ({@code train.jsonl}) and in events and reports. */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }
}
