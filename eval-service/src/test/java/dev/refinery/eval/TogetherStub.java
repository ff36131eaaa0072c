package dev.refinery.eval;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

import java.util.List;
import java.util.Map;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.matching;
import static com.github.tomakehurst.wiremock.client.WireMock.matchingJsonPath;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;

/**
 * Together's {@code POST /v1/chat/completions} for one fine-tune and its base model, written from the documented shape
 * (providers.md §1.6, §4): the fine-tune answers each held-out request with its reference story, the base model with a
 * refusal. eval-service is pointed at it as its Together API, with a key.
 */
public class TogetherStub implements QuarkusTestResourceLifecycleManager {

    static final String FINE_TUNE = "acme/Meta-Llama-3.1-8B-Instruct-Reference-ft-4a1e9c3b";
    static final String BASE = "meta-llama/Meta-Llama-3.1-8B-Instruct-Reference";
    static final String KEY = "together-test-key";
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
                    .withHeader("Authorization", equalTo("Bearer " + KEY))
                    .withRequestBody(matchingJsonPath("$.model", equalTo(FINE_TUNE)))
                    .withRequestBody(matchingJsonPath("$.messages[0].content", equalTo(item.get(0))))
                    .willReturn(completion(FINE_TUNE, item.get(1))));
        }
        judges();
        return Map.of("refinery.eval.providers.together.base-url", server.baseUrl() + "/v1",
                "refinery.eval.providers.together.api-key", KEY);
    }

    static final String JUDGE = "acme/story-judge";
    static final String BIASED_JUDGE = "acme/first-answer-judge";
    static final String CHATTY_JUDGE = "acme/chatty-judge";

    /**
     * Three judges: one that prefers the answer telling a story (whichever position it is in), one that always says A (a
     * position bias), one that does not answer with a letter.
     */
    private static void judges() {
        server.stubFor(post(urlEqualTo(PATH)).atPriority(1).withRequestBody(matchingJsonPath("$.model", equalTo(JUDGE)))
                .withRequestBody(matchingJsonPath("$.messages[1].content", matching("(?s).*Answer A:\nOnce upon a time.*")))
                .willReturn(completion(JUDGE, "A")));
        server.stubFor(post(urlEqualTo(PATH)).atPriority(2).withRequestBody(matchingJsonPath("$.model", equalTo(JUDGE)))
                .willReturn(completion(JUDGE, "B")));
        server.stubFor(post(urlEqualTo(PATH)).atPriority(1).withRequestBody(matchingJsonPath("$.model", equalTo(BIASED_JUDGE)))
                .willReturn(completion(BIASED_JUDGE, "A")));
        server.stubFor(post(urlEqualTo(PATH)).atPriority(1).withRequestBody(matchingJsonPath("$.model", equalTo(CHATTY_JUDGE)))
                .willReturn(completion(CHATTY_JUDGE, "Well, both answers have their merits.")));
    }

    /** A chat completion object in the OpenAI-compatible shape every provider and server here answers (also VllmStub's). */
    static com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder completion(String model, String content) {
        ObjectNode body = JSON.createObjectNode().put("id", "chatcmpl-1").put("object", "chat.completion").put("created", 1796601600)
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
