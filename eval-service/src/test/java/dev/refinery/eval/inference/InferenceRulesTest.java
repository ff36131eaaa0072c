package dev.refinery.eval.inference;

import dev.refinery.engine.chat.ChatMessage;

import dev.refinery.catalog.ModelCatalog;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The small rules behind the client: reading retry-after, the backoff, the cache key, the serving cutoffs, error bodies. */
class InferenceRulesTest {

    private static final Clock NOW = Clock.fixed(Instant.parse("2026-12-07T12:00:00Z"), ZoneOffset.UTC);
    private static final ModelCatalog CATALOG = ModelCatalog.load();
    private static final Endpoint TOGETHER = new Endpoint(ProviderKind.TOGETHER, "https://api.together.xyz/v1", "acme/m", "k");

    @Test
    void retryAfterIsSecondsOrAnHttpDate() {
        assertEquals(Optional.of(Duration.ofSeconds(7)), RetryAfter.parse("7", NOW));
        assertEquals(Optional.of(Duration.ofMillis(1500)), RetryAfter.parse("1.5", NOW));
        assertEquals(Optional.of(Duration.ofSeconds(30)), RetryAfter.parse("Mon, 07 Dec 2026 12:00:30 GMT", NOW));
        assertEquals(Optional.of(Duration.ZERO), RetryAfter.parse("Mon, 07 Dec 2026 11:00:00 GMT", NOW), "a past date: now");
        assertEquals(Optional.empty(), RetryAfter.parse("soon", NOW));
        assertEquals(Optional.empty(), RetryAfter.parse("-3", NOW));
    }

    @Test
    void backoffDoublesUpToItsCapAndHonoursAServerDelayWithinItsLimit() {
        Backoff backoff = new Backoff(InferenceSettings.defaults(), bound -> bound);
        assertEquals(Duration.ofMillis(500), backoff.before(1, Optional.empty()));
        assertEquals(Duration.ofMillis(1000), backoff.before(2, Optional.empty()));
        assertEquals(Duration.ofSeconds(8), backoff.before(10, Optional.empty()));
        assertEquals(Duration.ofSeconds(45), backoff.before(1, Optional.of(Duration.ofSeconds(45))));
        assertEquals(Duration.ofMillis(1000), backoff.before(2, Optional.of(Duration.ofMinutes(10))));
        assertEquals(Duration.ZERO, new Backoff(InferenceSettings.defaults(), bound -> 0).before(3, Optional.empty()), "full jitter");
    }

    @Test
    void cacheKeyIsTheSha256OfAFixedCanonicalJson() {
        List<ChatMessage> prompt = List.of(ChatMessage.user("Say \"hi\""));
        assertEquals("{\"v\":1,\"tenant\":\"t\",\"baseUrl\":\"https://api.together.xyz/v1\",\"model\":\"acme/m\","
                        + "\"messages\":[{\"role\":\"user\",\"content\":\"Say \\\"hi\\\"\"}],"
                        + "\"decoding\":{\"temperature\":0.0,\"maxTokens\":16,\"stop\":[]}}",
                CacheKey.canonicalJson("t", TOGETHER, prompt, Decoding.greedy(16)));
        String key = CacheKey.of("t", TOGETHER, prompt, Decoding.greedy(16));
        assertEquals(64, key.length());
        Endpoint trailingSlash = new Endpoint(ProviderKind.TOGETHER, "https://api.together.xyz/v1/", "acme/m", "another key");
        assertEquals(key, CacheKey.of("t", trailingSlash, prompt, Decoding.greedy(16)), "same URL, key not part of it");
        assertNotEquals(key, CacheKey.of("u", TOGETHER, prompt, Decoding.greedy(16)));
        assertNotEquals(key, CacheKey.of("t", new Endpoint(ProviderKind.TOGETHER, "https://api.together.xyz/v1", "acme/n", null),
                prompt, Decoding.greedy(16)));
        assertNotEquals(key, CacheKey.of("t", TOGETHER, List.of(ChatMessage.user("Say hi")), Decoding.greedy(16)));
        assertNotEquals(key, CacheKey.of("t", TOGETHER, prompt, Decoding.greedy(17)));
        assertNotEquals(key, CacheKey.of("t", TOGETHER, prompt, new Decoding(0.7, 16, List.of())));
        assertNotEquals(key, CacheKey.of("t", TOGETHER, prompt, new Decoding(0, 16, List.of("\n"))));
    }

    @Test
    void servingCutoffsFromTheCatalogMatchTheMostSpecificModelFamilyOnTheirProviderOnly() {
        ServingCutoffs january15 = ServingCutoffs.from(CATALOG, Clock.fixed(Instant.parse("2027-01-15T00:00:00Z"), ZoneOffset.UTC));
        ServingCutoffs november = ServingCutoffs.from(CATALOG, Clock.fixed(Instant.parse("2026-11-01T00:00:00Z"), ZoneOffset.UTC));
        Endpoint gpt41 = new Endpoint(ProviderKind.OPENAI, "https://api.openai.com/v1", "ft:gpt-4.1-2025-04-14:acme::x1", "k");
        Endpoint nano = new Endpoint(ProviderKind.OPENAI, "https://api.openai.com/v1", "ft:gpt-4.1-nano-2025-04-14:acme::x1", "k");
        Endpoint base = new Endpoint(ProviderKind.OPENAI, "https://api.openai.com/v1", "gpt-4o-mini", "k");
        Endpoint vllm = new Endpoint(ProviderKind.OPENAI_COMPATIBLE, "http://vllm:8000/v1", "ft:gpt-4o-lookalike", null);

        assertEquals("2027-01-14", january15.passed(gpt41).orElseThrow().from().toString());
        assertTrue(november.passed(gpt41).isEmpty());
        assertEquals("2026-10-23", november.passed(nano).orElseThrow().from().toString());
        assertTrue(january15.passed(base).isEmpty(), "only fine-tunes are in the notice");
        assertTrue(january15.passed(vllm).isEmpty(), "another provider's model name is not OpenAI's");
    }

    @Test
    void errorBodiesOfEveryDocumentedShapeGiveTheirMessage() {
        assertEquals(new ProviderError("bad", "invalid_request_error", "model_not_found"),
                ProviderError.parse("{\"error\":{\"message\":\"bad\",\"type\":\"invalid_request_error\",\"param\":null,\"code\":\"model_not_found\"}}"));
        assertEquals("Unable to access model", ProviderError.parse("{\"message\":\"Unable to access model\"}").message());
        assertEquals("Permission denied", ProviderError.parse("{\"code\":7,\"message\":\"Permission denied\",\"details\":[]}").message());
        assertEquals("upstream connect error", ProviderError.parse("upstream connect error\n").message());
        assertEquals("(empty body)", ProviderError.parse("").message());
        assertTrue(ProviderError.parse("x".repeat(5000)).message().length() < 400);
    }
}
