package dev.refinery.catalog.cost;

import java.util.Arrays;

/**
 * What a cost estimate needs to know about one dataset file: how many examples, how many tokens, and how exact
 * that count is. Per-example counts are optional; OpenAI caps each example at the context, which only they allow
 * to apply exactly.
 */
public record DatasetTokens(long examples, long tokens, TokenAccuracy accuracy, int[] perExampleTokens) {

    public DatasetTokens {
        if (examples < 0 || tokens < 0) {
            throw new IllegalArgumentException("examples and tokens must not be negative");
        }
        if (accuracy == null) {
            throw new IllegalArgumentException("say how exact the token count is");
        }
        if (perExampleTokens != null) {
            if (perExampleTokens.length != examples) {
                throw new IllegalArgumentException("per-example counts cover " + perExampleTokens.length
                        + " examples, not " + examples);
            }
            long sum = Arrays.stream(perExampleTokens).asLongStream().sum();
            if (sum != tokens) {
                throw new IllegalArgumentException("per-example counts add up to " + sum + " tokens, not " + tokens);
            }
        }
    }

    public static DatasetTokens exact(long examples, long tokens, String basis) {
        return new DatasetTokens(examples, tokens, TokenAccuracy.exact(basis), null);
    }

    public static DatasetTokens estimated(long examples, long tokens, double relativeError, String basis) {
        return new DatasetTokens(examples, tokens, TokenAccuracy.estimate(relativeError, basis), null);
    }

    /** Per-example counts in file order; their sum must equal {@link #tokens()}. */
    public static DatasetTokens ofExamples(int[] perExampleTokens, TokenAccuracy accuracy) {
        int[] copy = perExampleTokens.clone();
        return new DatasetTokens(copy.length, Arrays.stream(copy).asLongStream().sum(), accuracy, copy);
    }

    public boolean hasPerExampleTokens() {
        return perExampleTokens != null;
    }

    /** Sum over examples of min(cap, tokens): what OpenAI bills per epoch. */
    long tokensCappedAt(int cap) {
        return Arrays.stream(perExampleTokens).mapToLong(t -> Math.min(t, cap)).sum();
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof DatasetTokens that && examples == that.examples && tokens == that.tokens
                && accuracy.equals(that.accuracy) && Arrays.equals(perExampleTokens, that.perExampleTokens);
    }

    @Override
    public int hashCode() {
        return 31 * Long.hashCode(tokens) + Arrays.hashCode(perExampleTokens);
    }

    @Override
    public String toString() {
        return "DatasetTokens[examples=" + examples + ", tokens=" + tokens + ", accuracy=" + accuracy
                + (perExampleTokens == null ? "" : ", perExample=" + perExampleTokens.length) + "]";
    }
}
