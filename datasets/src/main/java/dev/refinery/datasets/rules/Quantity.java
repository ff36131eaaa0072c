package dev.refinery.datasets.rules;

import java.util.Locale;

/** A count with its noun, for messages people read: "1 record", "2,048 records". */
public final class Quantity {

    private Quantity() {
    }

    /** {@code n} and the noun, plural unless {@code n} is 1 (nouns here take an "s": record, line, example). */
    public static String of(long n, String singular) {
        return String.format(Locale.ROOT, "%,d %s", n, n == 1 ? singular : singular + "s");
    }
}
