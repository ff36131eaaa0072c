package dev.refinery.providers.spi;

import java.math.BigDecimal;
import java.time.Instant;

/**
 * A provider job as last read: the canonical state with the raw status beside it, progress, tokens, the cost
 * the provider itself reports (never our estimate), the output model and the error. Fields the provider does
 * not report are null.
 *
 * @param trainedTokens tokens the provider says it trained on (Together token_count, Fireworks inputTokens)
 * @param billedTokens  tokens the provider bills (OpenAI trained_tokens); null where it reports money instead
 * @param costUsd       the provider's own figure in US dollars (Together total_price / 1e9, Fireworks Money)
 */
public record ProviderJob(
        String provider,
        String id,
        JobState state,
        String rawStatus,
        String stateNote,
        Long stepsCompleted,
        Long totalSteps,
        Double epochsCompleted,
        Long trainedTokens,
        Long billedTokens,
        BigDecimal costUsd,
        String outputModel,
        JobError error,
        Instant createdAt,
        Instant startedAt,
        Instant updatedAt,
        Instant finishedAt) {

    public boolean isTerminal() {
        return state.isTerminal();
    }
}
