package dev.refinery.catalog.cost;

import java.math.BigDecimal;
import java.math.RoundingMode;

/** Tokens the provider will bill, as a range: low and high follow from the token counts' error bounds. */
public record BilledTokens(long low, long expected, long high) {

    public BilledTokens {
        if (low > expected || expected > high || low < 0) {
            throw new IllegalArgumentException("need 0 <= low <= expected <= high, got " + low + ", " + expected
                    + ", " + high);
        }
    }

    /** {@code tokens} widened by the count's error bound: low rounded down, high rounded up. */
    static BilledTokens within(long tokens, TokenAccuracy accuracy) {
        BigDecimal count = BigDecimal.valueOf(tokens);
        long low = count.multiply(BigDecimal.ONE.subtract(accuracy.relativeError()))
                .setScale(0, RoundingMode.FLOOR).longValueExact();
        long high = count.multiply(BigDecimal.ONE.add(accuracy.relativeError()))
                .setScale(0, RoundingMode.CEILING).longValueExact();
        return new BilledTokens(low, tokens, high);
    }

    static BilledTokens exactly(long tokens) {
        return new BilledTokens(tokens, tokens, tokens);
    }

    /** The high end clipped to what can be billed at most (e.g. every example at the context cap). */
    BilledTokens cappedAt(long most) {
        return new BilledTokens(Math.min(low, most), Math.min(expected, most), Math.min(high, most));
    }

    BilledTokens plus(BilledTokens other) {
        return new BilledTokens(Math.addExact(low, other.low), Math.addExact(expected, other.expected),
                Math.addExact(high, other.high));
    }

    BilledTokens times(long factor) {
        return new BilledTokens(Math.multiplyExact(low, factor), Math.multiplyExact(expected, factor),
                Math.multiplyExact(high, factor));
    }
}
