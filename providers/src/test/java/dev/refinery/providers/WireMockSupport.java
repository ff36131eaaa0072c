package dev.refinery.providers;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;
import dev.refinery.providers.http.ApiKey;
import dev.refinery.providers.http.RetryPolicy;
import dev.refinery.providers.http.TransportSettings;

import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.function.Supplier;

/** A WireMock server on a free port and transport settings pointed at it, with a recording sleeper. */
public final class WireMockSupport {

    public static final String SECRET = "sk-test-DO-NOT-LEAK-9f8e7d";
    public static final Supplier<ApiKey> KEY = () -> ApiKey.of(SECRET);

    private WireMockSupport() {
    }

    public static WireMockServer start() {
        WireMockServer server = new WireMockServer(WireMockConfiguration.options().dynamicPort().containerThreads(20));
        server.start();
        return server;
    }

    public static TransportSettings settings(WireMockServer server, String basePath, RecordingSleeper sleeper, Clock clock) {
        return new TransportSettings(URI.create(server.baseUrl() + basePath), Duration.ofSeconds(5), Duration.ofSeconds(5),
                Duration.ofSeconds(10), RetryPolicy.DEFAULT, sleeper, clock, 8);
    }
}
