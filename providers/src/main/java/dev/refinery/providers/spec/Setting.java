package dev.refinery.providers.spec;

import java.util.Objects;

/** One effective setting: its value and where the value came from. */
public record Setting<T>(T value, ValueSource source) {

    public Setting {
        Objects.requireNonNull(value, "value");
        Objects.requireNonNull(source, "source");
    }
}
