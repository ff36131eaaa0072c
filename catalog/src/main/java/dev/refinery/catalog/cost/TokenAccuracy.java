package dev.refinery.catalog.cost;

import java.math.BigDecimal;

/**
 * How far a token count can be trusted. Exact: counted with the model's own tokenizer on exactly what the provider
 * trains on (pre-tokenized Parquet, or the real tokenizer and chat template). Estimate: anything else, with a
 * relative error bound (0.12 = the true count is within +/-12%), which becomes the estimate's low and high.
 */
public record TokenAccuracy(boolean exact, BigDecimal relativeError, String basis) {

    public TokenAccuracy {
        if (relativeError == null || relativeError.signum() < 0 || relativeError.compareTo(BigDecimal.ONE) >= 0) {
            throw new IllegalArgumentException("relative error must be in [0, 1), was " + relativeError);
        }
        if (exact && relativeError.signum() != 0) {
            throw new IllegalArgumentException("an exact count has no error bound");
        }
        basis = basis == null ? "" : basis;
    }

    public static TokenAccuracy exact(String basis) {
        return new TokenAccuracy(true, BigDecimal.ZERO, basis);
    }

    /** {@code relativeError} as a fraction: 0.12 for +/-12%. */
    public static TokenAccuracy estimate(double relativeError, String basis) {
        return new TokenAccuracy(false, BigDecimal.valueOf(relativeError), basis);
    }

    String describe() {
        String how = basis.isEmpty() ? "" : " (" + basis + ")";
        return exact
                ? "token counts are exact" + how
                : "token counts are estimates within +/-" + relativeError.movePointRight(2).stripTrailingZeros()
                        .toPlainString() + "%" + how;
    }
}
