package dev.refinery.eval;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

import java.util.List;
import java.util.Map;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
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
    private static final ObjectMapper JSON = new ObjectMapper();
    static WireMockServer server;

    @Override
    public Map<String, String> start() {
        server = new WireMockServer(WireMockConfiguration.options().dynamicPort());
        server.start();
        server.stubFor(post(urlEqualTo(PATH)).atPriority(10).withRequestBody(matchingJsonPath("$.model", equalTo(BASE)))
                .willReturn(completion(BASE, "I am sorry, I cannot help with that.")));
        for (List<String> item : EvalFixtures.testItems()) {
            server.stubFor(post(urlEqualTo(PATH)).atPriority(1)
                    .withRequestBody(matchingJsonPath("$.model", equalTo(ADAPTER)))
                    .withRequestBody(matchingJsonPath("$.messages[0].content", equalTo(item.get(0))))
                    .willReturn(completion(ADAPTER, item.get(1))));
        }
        return Map.of("refinery.eval.endpoints." + SERVER + ".url", server.baseUrl() + "/v1");
    }

    /** vLLM's chat completion object: id, object, created, model, choices with message and finish_reason, usage. */
    private static ResponseDefinitionBuilder completion(String model, String content) {
        ObjectNode body = JSON.createObjectNode().put("id", "chatcmpl-vllm-1").put("object", "chat.completion").put("created", 1796601600)
                .put("model", model);
        ObjectNode choice = body.putArray("choices").addObject().put("index", 0).put("finish_reason", "stop");
        choice.putObject("message").put("role", "assistant").put("content", content);
        body.putObject("usage").put("prompt_tokens", 12).put("completion_tokens", 40).put("total_tokens", 52);
        return aResponse().withStatus(200).withHeader("Content-Type", "application/json").withBody(body.toString());
    }

    @Override
    public void stop() {
        if (server != null) {
            server.stop();
        }
    }
}
