package dev.refinery.datasets.report;

import dev.refinery.datasets.check.CheckOptions;
import dev.refinery.datasets.tokens.OverContextPolicy;
import dev.refinery.datasets.tokens.TokenStats;

import java.util.List;
import java.util.Map;

/**
 * Token counts of the kept records with the target model's tokenizer (chat-template overhead included),
 * or an estimate labelled as one with its error bound; their spread; and the records over the model's
 * context with the policy the user chose and what it leaves to train and pay for.
 */
public record TokenReport(
        String tokenizer,
        String accuracy,
        boolean estimate,
        double relativeErrorBound,
        long records,
        long totalTokens,
        long trainedTokens,
        double trainedShare,
        int min,
        int p50,
        int p95,
        int max,
        List<TokenStats.Bucket> histogram,
        Integer contextLength,
        String overContextPolicy,
        long overContextRecords,
        List<TokenStats.OverContext> overContextSample,
        long droppedOverContext,
        long billableTokens,
        Map<String, SplitTokens> splits) {

    /** Kept records and their tokens in one split (what a provider bills for training or evaluation). */
    public record SplitTokens(long records, long tokens) {
    }

    public static TokenReport of(TokenStats stats, CheckOptions options, long dropped, Map<String, SplitTokens> splits) {
        var counter = options.tokenCounter();
        boolean limited = stats.contextLength() != TokenStats.NO_CONTEXT_LIMIT;
        OverContextPolicy policy = options.overContext() == null ? OverContextPolicy.FAIL : options.overContext();
        double share = stats.totalTokens() == 0 ? 0 : Math.round(stats.trainedTokens() * 1000.0 / stats.totalTokens()) / 1000.0;
        return new TokenReport(counter.description(), counter.accuracy().label(), counter.accuracy().isEstimate(),
                counter.accuracy().relativeErrorBound(), stats.records(), stats.totalTokens(), stats.trainedTokens(), share,
                stats.records() == 0 ? 0 : stats.min(), stats.p50(), stats.p95(), stats.max(), stats.histogram(),
                limited ? stats.contextLength() : null, options.overContext() == null ? null : options.overContext().name().toLowerCase(),
                stats.overContextRecords(), stats.overContextSample(), dropped, stats.outcome(policy).tokens(), splits);
    }
}
