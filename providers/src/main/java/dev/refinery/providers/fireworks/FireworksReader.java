package dev.refinery.providers.fireworks;

import com.fasterxml.jackson.databind.JsonNode;
import dev.refinery.providers.spi.JobError;
import dev.refinery.providers.spi.ProviderJob;
import dev.refinery.providers.spi.StateMapping;

import java.math.BigDecimal;

import static dev.refinery.providers.http.LenientJson.doubleValue;
import static dev.refinery.providers.http.LenientJson.field;
import static dev.refinery.providers.http.LenientJson.instant;
import static dev.refinery.providers.http.LenientJson.longValue;
import static dev.refinery.providers.http.LenientJson.text;

/** Fireworks job resources (SFT and DPO share the fields we read) into {@link ProviderJob}. */
final class FireworksReader {

    static final String PROVIDER = "fireworks";

    private FireworksReader() {
    }

    static ProviderJob job(JsonNode n) {
        JsonNode rawState = field(n, "state");
        String name = FireworksState.normalise(rawState);
        StateMapping state = FireworksState.map(name);
        JsonNode progress = field(n, "jobProgress");
        JsonNode status = field(n, "status");
        JobError error = null;
        if (state.state() == dev.refinery.providers.spi.JobState.FAILED && status != null) {
            error = new JobError(text(status, "code"), text(status, "message"), null);
        }
        String output = text(n, "outputModel");
        if (output == null) {
            output = text(field(n, "trainingConfig"), "outputModel");
        }
        return new ProviderJob(PROVIDER, text(n, "name"), state.state(), rawState == null ? null : rawState.asText(), state.note(),
                null, null, doubleValue(progress, "epoch"), longValue(progress, "inputTokens"), null, money(field(n, "estimatedCost")),
                output, error, instant(n, "createTime"), null, instant(n, "updateTime"), instant(n, "completedTime"));
    }

    /** google.type.Money: {@code units} is an int64 (a string on the wire), {@code nanos} an int32. USD only. */
    static BigDecimal money(JsonNode m) {
        if (m == null) {
            return null;
        }
        String currency = text(m, "currencyCode");
        if (currency != null && !currency.equalsIgnoreCase("USD")) {
            return null;
        }
        Long units = longValue(m, "units");
        Long nanos = longValue(m, "nanos");
        if (units == null && nanos == null) {
            return null;
        }
        return BigDecimal.valueOf(units == null ? 0 : units).add(BigDecimal.valueOf(nanos == null ? 0 : nanos, 9));
    }
}
