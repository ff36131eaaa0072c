package dev.refinery.kit.identity;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

import java.time.Duration;

/** How Refinery's processes prove to each other who a request acts for. */
@ConfigMapping(prefix = "refinery.identity")
public interface IdentityConfig {

    /**
     * The secret every Refinery process shares (at least 32 bytes; env REFINERY_IDENTITY_SIGNING_KEY).
     * There is no default: a deployment makes its own ({@code ./refinery up} writes a fresh one per run).
     */
    String signingKey();

    /** How long a passed-on identity stays valid: long enough for one call, short enough that a leaked one is soon useless. */
    @WithDefault("PT60S")
    Duration tokenTtl();
}
