package dev.refinery.validation.rest;

import java.math.BigDecimal;
import java.util.List;

/**
 * A job's price before it runs, as the API shows it. {@code low}/{@code expected}/{@code high} are rounded to
 * the cent for display (low down, high up); {@code exact} has the unrounded amounts. Without a known rate
 * {@code priced} is false, the amounts are null and {@code reason} says why.
 */
public record EstimateView(boolean priced, String summary, String reason, String backend, String model, String trainingType, String method,
                           int epochs, String currency, BigDecimal low, BigDecimal expected, BigDecimal high, Amounts exact,
                           BilledTokensView billedTokens, BigDecimal pricePerMillion, String priceSource, String catalogRevision,
                           List<String> assumptions, TokensView tokens) {

    public record Amounts(BigDecimal low, BigDecimal expected, BigDecimal high) {
    }

    public record BilledTokensView(long low, long expected, long high) {
    }

    /** @param source {@code report} (the dataset's report.json) or {@code request} */
    public record TokensView(String source, String datasetId, CountView training, CountView validation, List<String> notes) {
    }

    public record CountView(long examples, long tokens, boolean exact, BigDecimal relativeError, String basis) {
    }
}
