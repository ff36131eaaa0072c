package dev.refinery.providers.http;

import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.Objects;

/**
 * How one backend talks to its provider. {@code maxConcurrentRequests} bounds the requests in flight at once,
 * and so the HTTP/1.1 connections the client opens; a tracker following a thousand jobs shares it.
 */
public record TransportSettings(
        URI baseUri,
        Duration connectTimeout,
        Duration requestTimeout,
        Duration uploadTimeout,
        RetryPolicy retry,
        Sleeper sleeper,
        Clock clock,
        int maxConcurrentRequests) {

    public TransportSettings {
        Objects.requireNonNull(baseUri, "baseUri");
        Objects.requireNonNull(retry, "retry");
        Objects.requireNonNull(sleeper, "sleeper");
        Objects.requireNonNull(clock, "clock");
        if (maxConcurrentRequests < 1) {
            throw new IllegalArgumentException("maxConcurrentRequests must be at least 1");
        }
    }

    public static TransportSettings defaults(URI baseUri) {
        return new TransportSettings(baseUri, Duration.ofSeconds(10), Duration.ofSeconds(60), Duration.ofMinutes(30),
                RetryPolicy.DEFAULT, Sleeper.REAL, Clock.systemUTC(), 32);
    }

    public TransportSettings withRetry(RetryPolicy retry, Sleeper sleeper) {
        return new TransportSettings(baseUri, connectTimeout, requestTimeout, uploadTimeout, retry, sleeper, clock, maxConcurrentRequests);
    }

    public TransportSettings withTimeouts(Duration connect, Duration request) {
        return new TransportSettings(baseUri, connect, request, uploadTimeout, retry, sleeper, clock, maxConcurrentRequests);
    }

    public TransportSettings withClock(Clock clock) {
        return new TransportSettings(baseUri, connectTimeout, requestTimeout, uploadTimeout, retry, sleeper, clock, maxConcurrentRequests);
    }

    public TransportSettings withMaxConcurrentRequests(int max) {
        return new TransportSettings(baseUri, connectTimeout, requestTimeout, uploadTimeout, retry, sleeper, clock, max);
    }
}
