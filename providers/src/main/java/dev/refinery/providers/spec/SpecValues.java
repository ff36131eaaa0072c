package dev.refinery.providers.spec;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/** An immutable set of settings, each checked against its {@link SpecField}'s type and range. */
public final class SpecValues {

    public static final SpecValues EMPTY = new SpecValues(Map.of());

    private final Map<SpecField<?>, Object> values;

    private SpecValues(Map<SpecField<?>, Object> values) {
        this.values = Collections.unmodifiableMap(new LinkedHashMap<>(values));
    }

    public static SpecValues of(Map<SpecField<?>, ?> values) {
        Map<SpecField<?>, Object> checked = new LinkedHashMap<>();
        values.forEach((f, v) -> {
            if (v != null) {
                checked.put(f, f.check(v));
            }
        });
        return new SpecValues(checked);
    }

    /** A copy with one more setting (or with it replaced); a null value removes it. */
    public <T> SpecValues with(SpecField<T> field, T value) {
        Map<SpecField<?>, Object> copy = new LinkedHashMap<>(values);
        if (value == null) {
            copy.remove(field);
        } else {
            copy.put(field, field.check(value));
        }
        return new SpecValues(copy);
    }

    public <T> Optional<T> get(SpecField<T> field) {
        return Optional.ofNullable(field.type().cast(values.get(field)));
    }

    public boolean has(SpecField<?> field) {
        return values.containsKey(field);
    }

    public Map<SpecField<?>, Object> asMap() {
        return values;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof SpecValues other && values.equals(other.values);
    }

    @Override
    public int hashCode() {
        return values.hashCode();
    }

    @Override
    public String toString() {
        return values.toString();
    }
}
