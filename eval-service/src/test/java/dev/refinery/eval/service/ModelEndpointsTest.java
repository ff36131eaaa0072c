package dev.refinery.eval.service;

import dev.refinery.eval.config.EvalConfig;
import dev.refinery.eval.inference.Endpoint;
import dev.refinery.eval.inference.ProviderKind;
import dev.refinery.eval.repository.ArtifactType;
import dev.refinery.identity.Caller;
import dev.refinery.identity.IdentityTokens;
import org.junit.jupiter.api.Test;

import java.lang.reflect.Proxy;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Where each model an evaluation runs is asked: with an inference-service, at its door as the project (a version by its id,
 * a base model or a judge by backend and name), never at the provider or server directly; without one, directly.
 */
class ModelEndpointsTest {

    private static final IdentityTokens TOKENS = new IdentityTokens("k".repeat(48), "test", Duration.ofMinutes(1));
    private static final String LLAMA = "meta-llama/Meta-Llama-3.1-8B-Instruct-Reference";

    @Test
    void withAnInferenceServiceEveryHostedModelIsAskedThereAsTheProject() {
        ModelEndpoints endpoints = endpoints(Optional.of("http://inference:8085/"), Map.of());
        EvaluatedModel tuned = new EvaluatedModel(LLAMA + "+ft-1", "mv-1", LLAMA, ArtifactType.PROVIDER_MODEL, null, null, "together",
                "acme/llama-ft", "ds-1");

        Endpoint version = endpoints.endpoint("acme", tuned);
        assertEquals("http://inference:8085/v1", version.baseUrl().toString());
        assertEquals("mv-1", version.model(), "a version by its id, as an application names it");
        assertEquals(ProviderKind.OPENAI_COMPATIBLE, version.kind());
        assertNull(version.apiKey(), "no provider key leaves training-service");
        Caller asked = TOKENS.verify(version.identity().get());
        assertEquals("acme", asked.tenant());
        assertTrue(asked.isServiceForTenant(), asked.toString());
        assertNotEquals(version.identity().get(), sleepThen(version), "a fresh identity per request");

        assertEquals("together:" + LLAMA, endpoints.endpoint("acme", EvaluatedModel.baseOn(LLAMA, "together")).model());
        assertEquals("endpoint:lab:llama-3", endpoints.endpoint("acme", EvaluatedModel.baseOn("llama-3", "endpoint:lab")).model());
        assertEquals("openai:gpt-4o", endpoints.endpoint("acme", "openai", "gpt-4o").model(), "a judge");
        assertEquals("ft-2", endpoints.endpoint("acme", new EvaluatedModel(LLAMA + "+ft-2", null, LLAMA,
                ArtifactType.PROVIDER_MODEL, null, null, "together", "x", null)).model(), "a version recorded before the registry: its job");

        assertTrue(endpoints.configured("together") && endpoints.configured("fireworks"), "the project's key decides, there");
        assertTrue(endpoints.configured("endpoint:lab"));
        assertFalse(endpoints.configured("endpoint:elsewhere"), "only servers the operator named");
        assertFalse(endpoints.configured("kubernetes"));
        EvaluationFailure refused = assertThrows(EvaluationFailure.class, () -> endpoints.endpoint("acme", "kubernetes", "m"));
        assertEquals("EVAL_PROVIDER_NOT_CONFIGURED", refused.code());
    }

    @Test
    void withoutOneAProviderIsAskedDirectlyWithTheDeploymentsKeyOrNotAtAll() {
        ModelEndpoints endpoints = endpoints(Optional.empty(), Map.of("together", provider("tg-key")));
        Endpoint together = endpoints.endpoint("acme", EvaluatedModel.baseOn(LLAMA, "together"));
        assertEquals("https://api.together.xyz/v1", together.baseUrl().toString());
        assertEquals(LLAMA, together.model());
        assertEquals("tg-key", together.apiKey());
        assertNull(together.identity());
        assertFalse(endpoints.configured("fireworks"));
        assertEquals("EVAL_PROVIDER_NOT_CONFIGURED", assertThrows(EvaluationFailure.class,
                () -> endpoints.endpoint("acme", "fireworks", "m")).code());
    }

    private static String sleepThen(Endpoint endpoint) {
        try {
            Thread.sleep(1100); // a token's issue time is in seconds
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return endpoint.identity().get();
    }

    private static ModelEndpoints endpoints(Optional<String> inferenceUrl, Map<String, EvalConfig.ProviderEndpoint> providers) {
        EvalConfig.ServerEndpoint lab = proxy(EvalConfig.ServerEndpoint.class, Map.of("url", "http://127.0.0.1:9/v1", "apiKey", Optional.empty()));
        ModelEndpoints endpoints = new ModelEndpoints();
        endpoints.config = proxy(EvalConfig.class, Map.of("inferenceUrl", inferenceUrl, "providers", providers, "endpoints", Map.of("lab", lab)));
        endpoints.identities = TOKENS;
        return endpoints;
    }

    private static EvalConfig.ProviderEndpoint provider(String key) {
        return proxy(EvalConfig.ProviderEndpoint.class, Map.of("baseUrl", Optional.empty(), "apiKey", Optional.of(key)));
    }

    /** A configuration interface answering {@code values} by method name (what this test needs of it). */
    private static <T> T proxy(Class<T> type, Map<String, Object> values) {
        return type.cast(Proxy.newProxyInstance(type.getClassLoader(), new Class<?>[]{type}, (self, method, args) -> {
            if (!values.containsKey(method.getName())) {
                throw new UnsupportedOperationException(method.getName());
            }
            return values.get(method.getName());
        }));
    }
}
