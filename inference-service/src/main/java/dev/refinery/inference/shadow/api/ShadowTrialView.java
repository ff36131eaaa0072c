package dev.refinery.inference.shadow.api;

import java.time.OffsetDateTime;

/**
 * A shadow trial as its API shows it. The challenger's {@code winRate} is over the decisive pairs, wins / (wins + losses):
 * a tie (the judge changed its mind when the answers were swapped) decides nothing; null before a decisive pair.
 * {@code unclear} pairs (the judge said neither A nor B, or a model could not be asked) are not judged pairs.
 */
public record ShadowTrialView(String id, String alias, String challenger, String judge, double share, int pairs, String status,
                              int wins, int losses, int ties, int unclear, Double winRate, OffsetDateTime startedAt,
                              OffsetDateTime endsAt, OffsetDateTime endedAt, String endReason) {
}
