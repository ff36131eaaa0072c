package dev.refinery.gateway.auth;

import dev.refinery.gateway.identity.AuthConfig;
import dev.refinery.gateway.identity.Identity;
import dev.refinery.kit.problem.ApiException;
import io.github.resilience4j.ratelimiter.RateLimiter;
import io.github.resilience4j.ratelimiter.internal.AtomicRateLimiter;
import io.github.resilience4j.ratelimiter.RateLimiterConfig;
import io.github.resilience4j.ratelimiter.RateLimiterRegistry;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.time.Duration;

/**
 * Requests per key and minute (resilience4j's rate limiter, one per key): past the limit, 429 {@code RATE_LIMITED} with
 * {@code Retry-After}. Counted per gateway replica; a key's own limit wins over the deployment's.
 */
@ApplicationScoped
public class KeyRateLimits {

    private static final Duration PERIOD = Duration.ofMinutes(1);

    @Inject
    AuthConfig config;

    private final RateLimiterRegistry limiters = RateLimiterRegistry.ofDefaults();

    public void acquire(Identity caller) {
        int perMinute = caller.requestsPerMinute() == null ? config.requestsPerMinute() : caller.requestsPerMinute();
        // The limit is part of the name: a key whose limit changes gets a limiter of the new size.
        RateLimiter limiter = limiters.rateLimiter(caller.keyId() + "@" + perMinute, RateLimiterConfig.custom()
                .limitForPeriod(perMinute).limitRefreshPeriod(PERIOD).timeoutDuration(Duration.ZERO).build());
        if (!limiter.acquirePermission()) {
            long waitNanos = limiter instanceof AtomicRateLimiter atomic ? atomic.getDetailedMetrics().getNanosToWait() : PERIOD.toNanos();
            long waitSeconds = Math.max(1, (waitNanos + 999_999_999L) / 1_000_000_000L);
            throw new ApiException(429, "RATE_LIMITED", "Too many requests", "this API key may make " + perMinute
                    + " requests a minute; try again in " + waitSeconds + " s").retryAfter((int) Math.min(waitSeconds, 60));
        }
    }
}
