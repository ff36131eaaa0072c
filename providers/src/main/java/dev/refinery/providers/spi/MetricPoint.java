package dev.refinery.providers.spi;

import java.time.Instant;

/** Training metrics at one step; any value the provider did not report is null. */
public record MetricPoint(long step, Double trainLoss, Double learningRate, Double evalLoss, Instant loggedAt) {
}
