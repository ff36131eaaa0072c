package dev.refinery.eval.inference;

import dev.refinery.engine.chat.ChatMessage;

import com.github.tomakehurst.wiremock.client.MappingBuilder;
import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;

import java.util.ArrayList;
import java.util.List;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.matchingJsonPath;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;

/**
 * Stand-ins for the providers' {@code POST /v1/chat/completions}, written from the documented shapes (providers.md
 * §1.1, §4, §5): a completion is {@code {id, object, created, model, choices:[{index, message:{role, content},
 * finish_reason}], usage}}, an error {@code {error:{message, type, param, code}}}.
 */
final class ChatStubs {

    static final String PATH = "/v1/chat/completions";

    private ChatStubs() {
    }

    /** Prompts "question 0" ... "question n-1", each one user message after the same system message. */
    static List<List<ChatMessage>> questions(int count) {
        List<List<ChatMessage>> prompts = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            prompts.add(List.of(ChatMessage.system("Answer briefly."), ChatMessage.user("question " + i)));
        }
        return prompts;
    }

    static String answerTo(int i) {
        return "answer " + i;
    }

    /** Any request whose user message is {@code question i}. */
    static MappingBuilder forQuestion(int i) {
        return post(urlEqualTo(PATH)).withRequestBody(matchingJsonPath("$.messages[1].content", equalTo("question " + i)));
    }

    static ResponseDefinitionBuilder completion(String model, String content) {
        return aResponse().withStatus(200).withHeader("Content-Type", "application/json").withBody("""
                {"id":"chatcmpl-1","object":"chat.completion","created":1796601600,"model":"%s",
                 "choices":[{"index":0,"message":{"role":"assistant","content":"%s"},"finish_reason":"stop"}],
                 "usage":{"prompt_tokens":12,"completion_tokens":2,"total_tokens":14}}""".formatted(model, content));
    }

    static ResponseDefinitionBuilder error(int status, String message, String type, String code) {
        return aResponse().withStatus(status).withHeader("Content-Type", "application/json").withBody("""
                {"error":{"message":"%s","type":"%s","param":null,"code":%s}}"""
                .formatted(message, type, code == null ? "null" : "\"" + code + "\""));
    }
}
