package dev.refinery.inference.shadow.api;

import java.time.OffsetDateTime;

/**
 * A shadow trial as its API shows it. The challenger's {@code winRate} counts a tie as half a win: (wins + ties / 2) / judged;
 * null before any pair is judged. {@code unclear} pairs (the judge said neither A nor B, or a model could not be asked) are
 * not judged pairs.
 */
public record ShadowTrialView(String id, String alias, String challenger, String judge, double share, int pairs, String status,
                              int wins, int losses, int ties, int unclear, Double winRate, OffsetDateTime startedAt,
                              OffsetDateTime endsAt, OffsetDateTime endedAt, String endReason) {
}
