package dev.refinery.providers.http;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.stubbing.Scenario;
import dev.refinery.providers.RecordingSleeper;
import dev.refinery.providers.WireMockSupport;
import dev.refinery.providers.spi.ErrorCode;
import dev.refinery.providers.spi.ProviderException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;

import static com.github.tomakehurst.wiremock.client.WireMock.*;
import static org.junit.jupiter.api.Assertions.*;

class ProviderHttpErrorTest {

    private static final Instant NOW = Instant.parse("2026-11-28T12:00:00Z");

    private WireMockServer server;
    private RecordingSleeper sleeper;
    private ProviderHttp http;

    @BeforeEach
    void start() {
        server = WireMockSupport.start();
        sleeper = new RecordingSleeper();
        http = new ProviderHttp("together", WireMockSupport.settings(server, "/v1", sleeper, Clock.fixed(NOW, ZoneOffset.UTC)), WireMockSupport.KEY);
    }

    @AfterEach
    void stop() {
        server.stop();
    }

    private ProviderException fail(OutgoingRequest r) {
        return assertThrows(ProviderException.class, () -> http.json(r));
    }

    @Test
    void wrongKeyIsAuthFailedAndTheKeyAppearsNowhere() {
        server.stubFor(get("/v1/fine-tunes/x").willReturn(aResponse().withStatus(401).withHeader("Content-Type", "application/json")
                .withBody("{\"error\":{\"message\":\"Invalid API key provided\",\"type\":\"invalid_request_error\",\"param\":null,\"code\":\"invalid_api_key\"}}")));
        ProviderException e = fail(OutgoingRequest.get("/fine-tunes/x"));
        assertEquals(ErrorCode.PROVIDER_AUTH_FAILED, e.code());
        assertFalse(e.retryable());
        assertEquals(401, e.httpStatus());
        assertEquals("Invalid API key provided", e.providerMessage());
        StringWriter trace = new StringWriter();
        e.printStackTrace(new PrintWriter(trace));
        for (String text : List.of(e.getMessage(), e.toString(), trace.toString(), WireMockSupport.KEY.get().toString())) {
            assertFalse(text.contains(WireMockSupport.SECRET), "key leaked into: " + text);
        }
        assertTrue(sleeper.waits.isEmpty(), "a 401 is not retried");
    }

    @Test
    void forbiddenWithoutAKeyComplaintIsARejectionNotAnAuthFailure() {
        server.stubFor(post("/v1/datasets").willReturn(aResponse().withStatus(403).withBody("{\"code\":7,\"message\":\"\",\"details\":[]}")));
        ProviderException e = fail(OutgoingRequest.postEmpty("/datasets", RetryMode.SAFE));
        assertEquals(ErrorCode.PROVIDER_REJECTED, e.code());
        assertEquals("7", new ErrorBody(null, null, null, "7").code());
    }

    @Test
    void rateLimitHonoursRetryAfterSeconds() {
        server.stubFor(get("/v1/x").inScenario("rl").whenScenarioStateIs(Scenario.STARTED)
                .willReturn(aResponse().withStatus(429).withHeader("retry-after", "2")).willSetStateTo("ok"));
        server.stubFor(get("/v1/x").inScenario("rl").whenScenarioStateIs("ok").willReturn(okJson("{\"ok\":true}")));
        assertTrue(http.json(OutgoingRequest.get("/x")).get("ok").asBoolean());
        assertEquals(List.of(Duration.ofSeconds(2)), sleeper.waits);
    }

    @Test
    void retryAfterMsWinsAndHttpDatesAndOutOfRangeValuesAreHandled() {
        RetryPolicy p = RetryPolicy.DEFAULT;
        assertEquals(Duration.ofMillis(1500), p.delay(0, headers("retry-after-ms", "1500", "retry-after", "30"), NOW));
        assertEquals(Duration.ofSeconds(10), p.delay(0, headers("retry-after", "Sat, 28 Nov 2026 12:00:10 GMT"), NOW));
        assertEquals(Duration.ofMillis(500), p.delay(0, headers("retry-after", "3600"), NOW), "over 60 s: fall back to backoff");
        assertEquals(Duration.ofSeconds(2), p.delay(2, headers("retry-after", "soon"), NOW));
        assertEquals(Duration.ofSeconds(8), p.delay(9, headers(), NOW), "backoff is capped at 8 s");
    }

    private static java.net.http.HttpHeaders headers(String... kv) {
        java.util.Map<String, List<String>> m = new java.util.HashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            m.put(kv[i], List.of(kv[i + 1]));
        }
        return java.net.http.HttpHeaders.of(m, (a, b) -> true);
    }

    @Test
    void persistent503IsRetriedFiveTimesWithBackoffThenUnavailable() {
        server.stubFor(get("/v1/x").willReturn(aResponse().withStatus(503).withHeader("Content-Type", "text/plain")
                .withBody("server is overloaded or not ready yet")));
        ProviderException e = fail(OutgoingRequest.get("/x"));
        assertEquals(ErrorCode.PROVIDER_UNAVAILABLE, e.code());
        assertTrue(e.retryable());
        assertEquals("server is overloaded or not ready yet", e.providerMessage());
        assertEquals(List.of(Duration.ofMillis(500), Duration.ofSeconds(1), Duration.ofSeconds(2), Duration.ofSeconds(4), Duration.ofSeconds(8)),
                sleeper.waits);
        server.verify(6, getRequestedFor(urlEqualTo("/v1/x")));
    }

    @Test
    void aCreateIsNotRepeatedAfterA502ButIsAfterA503() {
        server.stubFor(post("/v1/fine-tunes").willReturn(aResponse().withStatus(502)));
        ProviderException e = fail(OutgoingRequest.postEmpty("/fine-tunes", RetryMode.ONLY_IF_NOT_PROCESSED));
        assertEquals(ErrorCode.PROVIDER_UNAVAILABLE, e.code());
        server.verify(1, postRequestedFor(urlEqualTo("/v1/fine-tunes")));

        server.stubFor(post("/v1/fine-tunes").inScenario("c").whenScenarioStateIs(Scenario.STARTED)
                .willReturn(aResponse().withStatus(503)).willSetStateTo("ok"));
        server.stubFor(post("/v1/fine-tunes").inScenario("c").whenScenarioStateIs("ok").willReturn(okJson("{\"id\":\"ft-1\"}")));
        assertEquals("ft-1", http.json(OutgoingRequest.postEmpty("/fine-tunes", RetryMode.ONLY_IF_NOT_PROCESSED)).get("id").asText());
    }

    @Test
    void aTimeoutIsUnavailableAfterRetries() {
        http = new ProviderHttp("together", WireMockSupport.settings(server, "/v1", sleeper, Clock.systemUTC())
                .withTimeouts(Duration.ofSeconds(2), Duration.ofMillis(200)).withRetry(
                        new RetryPolicy(1, Duration.ofMillis(1), Duration.ofMillis(1), Duration.ofSeconds(1)), sleeper), WireMockSupport.KEY);
        server.stubFor(get("/v1/slow").willReturn(okJson("{}").withFixedDelay(1500)));
        ProviderException e = fail(OutgoingRequest.get("/slow"));
        assertEquals(ErrorCode.PROVIDER_UNAVAILABLE, e.code());
        assertTrue(e.getMessage().contains("timed out"), e.getMessage());
        assertEquals(1, sleeper.waits.size());
    }

    @Test
    void badRequestNamesTheProvidersParam() {
        server.stubFor(post("/v1/fine-tunes").willReturn(aResponse().withStatus(400).withHeader("Content-Type", "application/json")
                .withBody("{\"error\":{\"message\":\"learning_rate must be <= 1e-3\",\"type\":\"invalid_request_error\",\"param\":\"learning_rate\",\"code\":null}}")));
        ProviderException e = fail(OutgoingRequest.postEmpty("/fine-tunes", RetryMode.ONLY_IF_NOT_PROCESSED));
        assertEquals(ErrorCode.PROVIDER_REJECTED, e.code());
        assertEquals("learning_rate", e.param());
        assertTrue(e.getMessage().contains("learning_rate must be <= 1e-3") && e.getMessage().contains("param: learning_rate"), e.getMessage());
    }

    @Test
    void bareMessageNotFound() {
        server.stubFor(get("/v1/fine-tunes/models/limits").willReturn(aResponse().withStatus(404).withBody("{\"message\":\"model not found\"}")));
        ProviderException e = fail(OutgoingRequest.get("/fine-tunes/models/limits"));
        assertEquals(ErrorCode.PROVIDER_NOT_FOUND, e.code());
        assertEquals("model not found", e.providerMessage());
    }

    @Test
    void everyDocumentedErrorShapeIsRead() {
        assertEquals(new ErrorBody("m", "t", "p", "c"), ErrorBody.parse("{\"error\":{\"message\":\"m\",\"type\":\"t\",\"param\":\"p\",\"code\":\"c\"}}".getBytes(), "application/json"));
        assertEquals(new ErrorBody("bare", null, null, null), ErrorBody.parse("{\"message\":\"bare\"}".getBytes(), "application/json"));
        assertEquals(new ErrorBody("denied", null, null, "7"), ErrorBody.parse("{\"code\":7,\"message\":\"denied\",\"details\":[]}".getBytes(), "application/json"));
        assertEquals(new ErrorBody("plain words", null, null, null), ErrorBody.parse("plain words".getBytes(), "text/plain"));
        assertEquals(new ErrorBody("{broken", null, null, null), ErrorBody.parse("{broken".getBytes(), "application/json"));
        assertEquals(new ErrorBody(null, null, null, null), ErrorBody.parse(new byte[0], ""));
    }

    @Test
    void unreadableSuccessBody() {
        server.stubFor(get("/v1/x").willReturn(ok("<html>gateway</html>")));
        assertEquals(ErrorCode.PROVIDER_RESPONSE_UNREADABLE, fail(OutgoingRequest.get("/x")).code());
    }
}
