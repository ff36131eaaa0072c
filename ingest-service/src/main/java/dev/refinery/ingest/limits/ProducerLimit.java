package dev.refinery.ingest.limits;

/**
 * How fast one producer may send to one collection: {@code perSecond} examples a second on average, {@code burst} at once.
 * The collection's own values where it has them, else the service's ({@code refinery.ingest.producer-rate}, {@code -burst}).
 */
public record ProducerLimit(double perSecond, int burst) {

    /** Whether a rate and a burst make a limit: a positive, finite rate, and a burst of at least 1. */
    public static boolean valid(Double perSecond, Integer burst) {
        return perSecond != null && perSecond > 0 && !perSecond.isInfinite() && burst != null && burst >= 1;
    }

    public ProducerLimit {
        if (!(perSecond > 0) || burst < 1) {
            throw new IllegalArgumentException("a producer limit needs a positive rate and a burst of at least 1");
        }
    }
}
