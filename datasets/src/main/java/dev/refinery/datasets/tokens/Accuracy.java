package dev.refinery.datasets.tokens;

/**
 * How far a counter's numbers can be trusted.
 *
 * @param kind               exact (the model's own tokenizer) or an estimate
 * @param relativeErrorBound for an estimate: the largest relative error of one record's count seen when
 *                           the estimate was measured against real tokenizers (0 for exact counts)
 * @param basis              where the numbers come from, for a report ("o200k_base; chat overhead per
 *                           OpenAI's cookbook", "measured on ... , see datasets/README.md")
 */
public record Accuracy(Kind kind, double relativeErrorBound, String basis) {

    public enum Kind { EXACT, ESTIMATE }

    public Accuracy {
        if (kind == null || basis == null) {
            throw new IllegalArgumentException("kind and basis are required");
        }
        if (kind == Kind.EXACT && relativeErrorBound != 0) {
            throw new IllegalArgumentException("an exact count has no error bound");
        }
        if (kind == Kind.ESTIMATE && !(relativeErrorBound > 0)) {
            throw new IllegalArgumentException("an estimate needs a measured, positive error bound");
        }
    }

    public static Accuracy exact(String basis) {
        return new Accuracy(Kind.EXACT, 0, basis);
    }

    public static Accuracy estimate(double relativeErrorBound, String basis) {
        return new Accuracy(Kind.ESTIMATE, relativeErrorBound, basis);
    }

    public boolean isEstimate() {
        return kind == Kind.ESTIMATE;
    }

    /** "exact" or "estimate, within ±25% per record", for a report line. */
    public String label() {
        return kind == Kind.EXACT ? "exact" : "estimate, within ±" + Math.round(relativeErrorBound * 100) + "% per record";
    }
}
