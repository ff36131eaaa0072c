package dev.refinery.inference;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.matching;
import static com.github.tomakehurst.wiremock.client.WireMock.matchingJsonPath;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;

/**
 * An operator's vLLM server started with {@link #BASE} and LoRA enabled (VLLM_ALLOW_RUNTIME_LORA_UPDATING), as its documented
 * API answers: {@code POST /v1/load_lora_adapter {"lora_name", "lora_path"}} loads an adapter, and
 * {@code POST /v1/chat/completions} answers the base model, any loaded adapter by its name, and the model {@link #SERVED}
 * it serves besides; {@link #BROKEN} fails the way a GPU server does. inference-service knows it as {@link #NAME}, with a
 * folder both share for adapters.
 */
public class VllmServerStub implements QuarkusTestResourceLifecycleManager {

    static final String NAME = "lab-vllm";
    static final String BASE = "meta-llama/Llama-3.1-8B-Instruct";
    static final String SERVED = "story-lora";
    static final String BROKEN = "broken-model";
    /** Answers with a new response id each time, whole or streamed with its usage (capture keeps answers by their id). */
    static final String CAPTURED = "captured-lora";
    /** A challenger of {@link #SERVED} in shadow trials, with an answer of its own. */
    static final String CHALLENGER = "challenger-model";
    static final String CHALLENGER_ANSWER = "the challenger's answer";
    /** A judge that prefers the challenger's answer wherever it is shown; {@link #UNSURE_JUDGE} never says A or B. */
    static final String JUDGE = "judge-model";
    static final String UNSURE_JUDGE = "unsure-judge";
    static final String SERVER_ADAPTER_DIR = "/mnt/refinery-adapters";
    static final String KEY = "vllm-test-key";
    private static final ObjectMapper JSON = new ObjectMapper();
    static WireMockServer server;
    static Path adapterDir;

    @Override
    public Map<String, String> start() {
        server = new WireMockServer(WireMockConfiguration.options().dynamicPort());
        server.start();
        try {
            adapterDir = Files.createTempDirectory("vllm-shared-adapters-");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        server.stubFor(post(urlEqualTo("/v1/load_lora_adapter")).withHeader("Authorization", equalTo("Bearer " + KEY))
                .willReturn(aResponse().withStatus(200).withBody("Success: LoRA adapter added successfully.")));
        server.stubFor(post(urlEqualTo("/v1/chat/completions")).atPriority(5).withRequestBody(matchingJsonPath("$.model", equalTo(BASE)))
                .willReturn(completion(BASE, "the base model's answer")));
        server.stubFor(post(urlEqualTo("/v1/chat/completions")).atPriority(5).withRequestBody(matchingJsonPath("$.model", equalTo(SERVED)))
                .willReturn(completion(SERVED, "the served model's answer")));
        server.stubFor(post(urlEqualTo("/v1/chat/completions")).atPriority(5)
                .withRequestBody(matchingJsonPath("$.model", matching("mv-[0-9a-f]{32}")))
                .willReturn(completion("adapter", "Once upon a time, there was a little girl named Mia.")));
        server.stubFor(post(urlEqualTo("/v1/chat/completions")).atPriority(1)
                .withRequestBody(matchingJsonPath("$.model", matching("mv-[0-9a-f]{32}")))
                .withRequestBody(matchingJsonPath("$.stream", equalTo("true")))
                .willReturn(aResponse().withStatus(200).withHeader("Content-Type", "text/event-stream").withBody(
                        "data: {\"id\":\"c1\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"adapter\",\"choices\":[{\"index\":0,"
                                + "\"delta\":{\"role\":\"assistant\",\"content\":\"Once upon\"},\"finish_reason\":null}]}\n\n"
                                + "data: {\"id\":\"c1\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"adapter\",\"choices\":[{\"index\":0,"
                                + "\"delta\":{\"content\":\" a time\"},\"finish_reason\":\"stop\"}]}\n\ndata: [DONE]\n\n")));
        String id = "chatcmpl-{{randomValue length=24 type='ALPHANUMERIC'}}";
        server.stubFor(post(urlEqualTo("/v1/chat/completions")).atPriority(5).withRequestBody(matchingJsonPath("$.model", equalTo(CAPTURED)))
                .willReturn(aResponse().withStatus(200).withHeader("Content-Type", "application/json").withTransformers("response-template")
                        .withBody("{\"id\":\"" + id + "\",\"object\":\"chat.completion\",\"created\":1,\"model\":\"" + CAPTURED
                                + "\",\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\",\"content\":\"Once upon a time\"},"
                                + "\"finish_reason\":\"length\"}],\"usage\":{\"prompt_tokens\":9,\"completion_tokens\":4,\"total_tokens\":13}}")));
        server.stubFor(post(urlEqualTo("/v1/chat/completions")).atPriority(1).withRequestBody(matchingJsonPath("$.model", equalTo(CAPTURED)))
                .withRequestBody(matchingJsonPath("$.stream", equalTo("true")))
                .willReturn(aResponse().withStatus(200).withHeader("Content-Type", "text/event-stream").withTransformers("response-template")
                        .withBody("{{#assign 'id'}}" + id + "{{/assign}}"
                                + "data: {\"id\":\"{{id}}\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"" + CAPTURED
                                + "\",\"choices\":[{\"index\":0,\"delta\":{\"role\":\"assistant\",\"content\":\"Once upon\"},\"finish_reason\":null}]}\n\n"
                                + "data: {\"id\":\"{{id}}\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"" + CAPTURED
                                + "\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\" a time\"},\"finish_reason\":\"stop\"}]}\n\n"
                                + "data: {\"id\":\"{{id}}\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"" + CAPTURED
                                + "\",\"choices\":[],\"usage\":{\"prompt_tokens\":9,\"completion_tokens\":3,\"total_tokens\":12}}\n\n"
                                + "data: [DONE]\n\n")));
        server.stubFor(post(urlEqualTo("/v1/completions")).withRequestBody(matchingJsonPath("$.model", equalTo(BASE)))
                .willReturn(aResponse().withStatus(200).withHeader("Content-Type", "application/json").withBody(
                        "{\"id\":\"cmpl-vllm\",\"object\":\"text_completion\",\"created\":1,\"model\":\"" + BASE + "\",\"choices\":[{"
                                + "\"index\":0,\"text\":\" there was a dog\",\"logprobs\":null,\"finish_reason\":\"length\"}]}")));
        server.stubFor(post(urlEqualTo("/v1/chat/completions")).atPriority(5).withRequestBody(matchingJsonPath("$.model", equalTo(BROKEN)))
                .willReturn(aResponse().withStatus(500).withHeader("Content-Type", "application/json").withBody(
                        "{\"error\":{\"message\":\"CUDA out of memory\",\"type\":\"InternalServerError\",\"code\":500}}")));
        server.stubFor(post(urlEqualTo("/v1/chat/completions")).atPriority(5).withRequestBody(matchingJsonPath("$.model", equalTo(CHALLENGER)))
                .willReturn(completion(CHALLENGER, CHALLENGER_ANSWER)));
        server.stubFor(post(urlEqualTo("/v1/chat/completions")).atPriority(2).withRequestBody(matchingJsonPath("$.model", equalTo(JUDGE)))
                .withRequestBody(matchingJsonPath("$.messages[1].content", containing("Answer A:\n" + CHALLENGER_ANSWER)))
                .willReturn(completion(JUDGE, "A")));
        server.stubFor(post(urlEqualTo("/v1/chat/completions")).atPriority(5).withRequestBody(matchingJsonPath("$.model", equalTo(JUDGE)))
                .willReturn(completion(JUDGE, "B")));
        server.stubFor(post(urlEqualTo("/v1/chat/completions")).atPriority(5).withRequestBody(matchingJsonPath("$.model", equalTo(UNSURE_JUDGE)))
                .willReturn(completion(UNSURE_JUDGE, "Both answers are fine.")));
        String prefix = "refinery.inference.servers." + NAME + ".";
        return Map.of(prefix + "url", server.baseUrl() + "/v1", prefix + "api-key", KEY, prefix + "base-model", BASE,
                prefix + "adapter-dir", adapterDir.toString(), prefix + "server-adapter-dir", SERVER_ADAPTER_DIR);
    }

    /** vLLM's chat completion object. */
    static ResponseDefinitionBuilder completion(String model, String content) {
        ObjectNode body = JSON.createObjectNode().put("id", "chatcmpl-vllm").put("object", "chat.completion").put("created", 1796601600)
                .put("model", model);
        ObjectNode choice = body.putArray("choices").addObject().put("index", 0).put("finish_reason", "stop");
        choice.putObject("message").put("role", "assistant").put("content", content);
        body.putObject("usage").put("prompt_tokens", 9).put("completion_tokens", 12).put("total_tokens", 21);
        return aResponse().withStatus(200).withHeader("Content-Type", "application/json").withBody(body.toString());
    }

    @Override
    public void stop() {
        if (server != null) {
            server.stop();
        }
    }
}
