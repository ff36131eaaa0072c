package dev.refinery.inference.shadow.api;

/**
 * What opens a shadow trial ({@code PUT /v1/shadow-trials/{id}}).
 *
 * @param alias      whose live chat requests are mirrored (e.g. {@code champion})
 * @param challenger the version that answers them too ({@code mv-...})
 * @param judge      the model that compares the two answers, as a request's {@code model} names it
 * @param share      the share of the alias's requests mirrored, in (0, 1]
 * @param pairs      judged pairs after which the trial ends
 * @param within     ISO-8601 duration after which it ends with whatever was judged
 */
public record ShadowTrialRequest(String alias, String challenger, String judge, Double share, Integer pairs, String within) {
}
