package dev.refinery.ingest.service;

import dev.refinery.kit.problem.ApiException;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.function.Supplier;

/**
 * The collection's own options beside its check options, as sent (strings: JSON numbers and strings alike), each checked
 * here with a 400 that names its field.
 *
 * @param sealEvery     seal once this many valid examples wait (1 to 1,000,000)
 * @param sealAfter     seal once the oldest unsealed valid example has waited this long (ISO-8601, a minimum to P365D)
 * @param producerRate  examples a second one producer may send on average (0.01 to 100,000)
 * @param producerBurst examples one producer may send at once (1 to 1,000,000)
 */
public record CollectionOptions(String sealEvery, String sealAfter, String producerRate, String producerBurst) {

    /** A version of more examples than this is a job for a seal by hand, not a trigger that runs on an example's path. */
    static final int MAX_SEAL_EVERY = 1_000_000;
    static final Duration MAX_SEAL_AFTER = Duration.ofDays(365);
    static final double MIN_RATE = 0.01;
    static final double MAX_RATE = 100_000;
    static final int MAX_BURST = 1_000_000;

    public static final CollectionOptions NONE = new CollectionOptions(null, null, null, null);

    Integer sealEveryValue() {
        return whole(sealEvery, MAX_SEAL_EVERY, () -> ApiException.badRequest("COLLECTION_SEAL_EVERY_INVALID", "sealEvery is a whole number "
                + "of new valid examples from 1 to " + MAX_SEAL_EVERY + " after which the collection seals a version on its own; got '"
                + sealEvery + "'").with("field", "sealEvery"));
    }

    /** {@code sealAfter} in seconds, at least {@code minimum} (a setting: tests use a second) and at most 365 days. */
    Long sealAfterSeconds(Duration minimum) {
        if (blank(sealAfter)) {
            return null;
        }
        try {
            Duration window = Duration.parse(sealAfter.strip());
            if (window.compareTo(minimum) >= 0 && window.compareTo(MAX_SEAL_AFTER) <= 0 && window.getNano() == 0) {
                return window.getSeconds();
            }
        } catch (DateTimeParseException e) {
            // answered below
        }
        throw ApiException.badRequest("COLLECTION_SEAL_AFTER_INVALID", "sealAfter is how long the oldest unsealed example may wait "
                + "before the collection seals a version on its own: an ISO-8601 duration in whole seconds from " + minimum + " to P365D "
                + "(PT30M, PT12H, P7D); got '" + sealAfter + "'").with("field", "sealAfter");
    }

    Double producerRateValue() {
        if (blank(producerRate)) {
            return null;
        }
        try {
            double rate = Double.parseDouble(producerRate.strip());
            if (rate >= MIN_RATE && rate <= MAX_RATE) {
                return rate;
            }
        } catch (NumberFormatException e) {
            // answered below
        }
        throw ApiException.badRequest("COLLECTION_PRODUCER_RATE_INVALID", "producerRate is how many examples a second one producer may "
                + "send to the collection on average, from " + MIN_RATE + " to " + (long) MAX_RATE + "; got '" + producerRate + "'")
                .with("field", "producerRate");
    }

    Integer producerBurstValue() {
        return whole(producerBurst, MAX_BURST, () -> ApiException.badRequest("COLLECTION_PRODUCER_BURST_INVALID", "producerBurst is how "
                + "many examples one producer may send to the collection at once, a whole number from 1 to " + MAX_BURST + "; got '"
                + producerBurst + "'").with("field", "producerBurst"));
    }

    /** Null when blank; a whole number from 1 to {@code max}; else {@code refusal}. */
    private static Integer whole(String value, int max, Supplier<ApiException> refusal) {
        if (blank(value)) {
            return null;
        }
        try {
            int n = Integer.parseInt(value.strip());
            if (n >= 1 && n <= max) {
                return n;
            }
        } catch (NumberFormatException e) {
            // refused below
        }
        throw refusal.get();
    }

    private static boolean blank(String value) {
        return value == null || value.isBlank();
    }
}
