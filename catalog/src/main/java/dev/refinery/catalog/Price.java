package dev.refinery.catalog;

import java.math.BigDecimal;
import java.time.LocalDate;
import java.util.Optional;

/**
 * The rate for one training type and method, per million billed tokens, with where it came from and when we
 * recorded it. An unknown rate ({@code usdPerMillionTokens} null) is kept, not dropped, so an estimate can say
 * why it has no number.
 */
public record Price(TrainingType trainingType, TrainingMethod method, BigDecimal usdPerMillionTokens, String source,
                    LocalDate asOf) {

    public boolean known() {
        return usdPerMillionTokens != null;
    }

    public Optional<BigDecimal> perMillionTokens() {
        return Optional.ofNullable(usdPerMillionTokens);
    }

    boolean covers(TrainingType type, TrainingMethod trainingMethod) {
        return trainingType == type && method == trainingMethod;
    }
}
