package dev.refinery.eval;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

import java.util.List;
import java.util.Map;

import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.matchingJsonPath;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;

/**
 * A vLLM server started with a base model and one LoRA adapter enabled, as its OpenAI-compatible server answers
 * {@code POST /v1/chat/completions} (the adapter is asked for by its name in {@code model}): the adapter answers each held-out
 * request with its reference story, the base model with a refusal. No API key (vLLM runs without one unless started with
 * {@code --api-key}). eval-service knows it as the operator's server {@link #SERVER}.
 */
public class VllmStub implements QuarkusTestResourceLifecycleManager {

    static final String SERVER = "lab-vllm";
    static final String ADAPTER = "story-lora";
    static final String BASE = "meta-llama/Llama-3.1-8B-Instruct";
    static final String PATH = "/v1/chat/completions";
    static WireMockServer server;

    @Override
    public Map<String, String> start() {
        server = new WireMockServer(WireMockConfiguration.options().dynamicPort());
        server.start();
        server.stubFor(post(urlEqualTo(PATH)).atPriority(10).withRequestBody(matchingJsonPath("$.model", equalTo(BASE)))
                .willReturn(TogetherStub.completion(BASE, "I am sorry, I cannot help with that.")));
        for (List<String> item : EvalFixtures.testItems()) {
            server.stubFor(post(urlEqualTo(PATH)).atPriority(1)
                    .withRequestBody(matchingJsonPath("$.model", equalTo(ADAPTER)))
                    .withRequestBody(matchingJsonPath("$.messages[0].content", equalTo(item.get(0))))
                    .willReturn(TogetherStub.completion(ADAPTER, item.get(1))));
        }
        return Map.of("refinery.eval.endpoints." + SERVER + ".url", server.baseUrl() + "/v1");
    }

    @Override
    public void stop() {
        if (server != null) {
            server.stop();
        }
    }
}
