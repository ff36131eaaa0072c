package dev.refinery.providers.spi;

import dev.refinery.providers.spec.SpecField;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.function.Predicate;

/**
 * What one backend accepts for one setting: a range narrower than the spec field's own (which every backend shares),
 * and the words that tell a user what is allowed. Declared once, in the backend's {@link Capabilities}.
 */
public record FieldRule<T>(SpecField<T> field, Predicate<T> allowed, String allowedText) {

    /** Whatever the spec field itself accepts. */
    public static <T> FieldRule<T> any(SpecField<T> field) {
        return new FieldRule<>(field, v -> true, "");
    }

    public static FieldRule<Integer> between(SpecField<Integer> field, int min, int max) {
        return new FieldRule<>(field, v -> v >= min && v <= max, "an integer from " + min + " to " + max);
    }

    /** {@code (minExclusive? min < v : min <= v) && v <= max}. */
    public static FieldRule<Double> between(SpecField<Double> field, double min, boolean minExclusive, double max, boolean maxExclusive) {
        return new FieldRule<>(field, v -> (minExclusive ? v > min : v >= min) && (maxExclusive ? v < max : v <= max),
                "a number " + (minExclusive ? "> " : ">= ") + plain(min) + " and " + (maxExclusive ? "< " : "<= ") + plain(max));
    }

    @SafeVarargs
    public static <E extends Enum<E>> FieldRule<E> oneOf(SpecField<E> field, E... values) {
        List<E> allowed = Arrays.asList(values);
        return new FieldRule<>(field, allowed::contains, "one of " + allowed.stream().map(e -> e.name().toLowerCase(Locale.ROOT)).toList());
    }

    /** Whether a value (already of the field's type and in its range) is accepted here. */
    public boolean accepts(Object value) {
        return allowed.test(field.type().cast(value));
    }

    /** The allowed values in words: this rule's, else the field's own. */
    public String describe() {
        return allowedText.isEmpty() ? field.rangeDescription() : allowedText;
    }

    private static String plain(double d) {
        return d == Math.rint(d) ? String.valueOf((long) d) : String.valueOf(d);
    }
}
