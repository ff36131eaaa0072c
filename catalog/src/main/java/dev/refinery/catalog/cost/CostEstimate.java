package dev.refinery.catalog.cost;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.List;

/**
 * A job's price before it runs: low / expected / high, exact (unrounded) amounts plus cent-rounded ones for
 * display, the billed tokens behind them, the rate and where it came from, and every assumption made on the way.
 * Without a known rate the amounts are null and {@link #priced()} is false: a missing price is said, never guessed.
 */
public record CostEstimate(String backend, String model, String trainingType, String method, int epochs,
                           BigDecimal low, BigDecimal expected, BigDecimal high, String currency,
                           BilledTokens billedTokens, BigDecimal pricePerMillion, String priceSource,
                           String catalogRevision, List<String> assumptions) {

    public CostEstimate {
        assumptions = List.copyOf(assumptions);
    }

    public boolean priced() {
        return expected != null;
    }

    /** Expected cost to the cent (half up). */
    public BigDecimal expectedForDisplay() {
        return expected == null ? null : expected.setScale(2, RoundingMode.HALF_UP);
    }

    /** Low end rounded down to the cent, so the displayed range never claims more certainty than the exact one. */
    public BigDecimal lowForDisplay() {
        return low == null ? null : low.setScale(2, RoundingMode.FLOOR);
    }

    /** High end rounded up to the cent. */
    public BigDecimal highForDisplay() {
        return high == null ? null : high.setScale(2, RoundingMode.CEILING);
    }

    /** One line for a person: "$2.88 (USD)", "$2.53 to $3.23, expected $2.88 (USD)" or "no price: ...". */
    public String summary() {
        if (!priced()) {
            return "no price for " + model + " " + trainingType + "/" + method + " on " + backend + ": " + priceSource;
        }
        if (low.compareTo(high) == 0) {
            return "$" + expectedForDisplay().toPlainString() + " (" + currency + ")";
        }
        return "$" + lowForDisplay().toPlainString() + " to $" + highForDisplay().toPlainString() + ", expected $"
                + expectedForDisplay().toPlainString() + " (" + currency + ")";
    }
}
