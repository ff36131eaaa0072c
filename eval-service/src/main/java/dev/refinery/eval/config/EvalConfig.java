package dev.refinery.eval.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

import java.time.Duration;

/** eval-service settings ({@code refinery.eval.*}, env {@code REFINERY_EVAL_*}). */
@ConfigMapping(prefix = "refinery.eval")
public interface EvalConfig {

    /** Task metric of new evaluations: opening_match, exact_match or token_f1. */
    @WithDefault("opening_match")
    String metric();

    /** Tokens generated per answer (greedy decoding). */
    @WithDefault("48")
    int maxTokens();

    /** Held-out items evaluated at most (the first ones of the test split); bounds an evaluation's run time. */
    @WithDefault("200")
    int maxItems();

    /** Evaluations run at the same time; each holds a base model and a merged candidate in memory. */
    @WithDefault("1")
    int workers();

    /** How often the sweeper looks for evaluations nobody is working on (also after a restart). */
    @WithDefault("30s")
    Duration sweepInterval();

    /**
     * How long a worker's claim on an evaluation holds. Longer than any evaluation runs (the item cap
     * bounds that); when it passes, the sweeper assumes the worker died and runs the evaluation again.
     */
    @WithDefault("2h")
    Duration lease();

    /** Claims after which an evaluation that never finished (crashes, storage outages) is failed for good. */
    @WithDefault("3")
    int maxAttempts();
}
