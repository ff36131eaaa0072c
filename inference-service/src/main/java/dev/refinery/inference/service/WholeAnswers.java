package dev.refinery.inference.service;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.refinery.engine.chat.ChatMessage;
import dev.refinery.engine.serve.ServingRequest;
import dev.refinery.engine.serve.TokenListener;
import dev.refinery.inference.openai.OpenAiException;
import dev.refinery.inference.openai.Sampling;
import dev.refinery.inference.server.InferenceServers;
import dev.refinery.inference.server.ServerProxy;
import dev.refinery.inference.server.ServerRoute;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * A greedy chat answer of any model a project can name, asked by this service itself rather than by a caller (a shadow
 * trial's challenger and judge): the same resolution and the same engines, servers and providers as a request at the door,
 * the whole text back.
 */
@ApplicationScoped
public class WholeAnswers {

    private static final Duration WITHIN = Duration.ofMinutes(2);

    @Inject
    ModelResolver resolver;

    @Inject
    Completions completions;

    @Inject
    InferenceServers servers;

    @Inject
    ServerProxy proxy;

    @Inject
    ObjectMapper json;

    /**
     * {@code model}'s greedy answer to {@code messages}, at most {@code maxTokens} long.
     *
     * @throws OpenAiException as the door would answer it (unknown model, busy, a server's failure)
     */
    public String ask(String tenant, String model, List<ChatMessage> messages, int maxTokens) {
        ServedTarget target = resolver.resolve(tenant, model);
        Optional<ServerRoute> server = servers.route(target, tenant);
        if (server.isPresent()) {
            return contentOf(proxy.send(server.get(), "/chat/completions", request(messages, maxTokens)).wholeBody(), server.get());
        }
        Sampling greedy = new Sampling(maxTokens, 0, 1, null, List.of(), false, false);
        return completions.whole(completions.start(target, new ServingRequest.Prompt.Chat(messages), greedy, TokenListener.NONE), WITHIN).text();
    }

    private ObjectNode request(List<ChatMessage> messages, int maxTokens) {
        ObjectNode request = json.createObjectNode().put("max_tokens", maxTokens).put("temperature", 0);
        ArrayNode list = request.putArray("messages");
        messages.forEach(m -> list.addObject().put("role", m.role()).put("content", m.content()));
        return request;
    }

    private String contentOf(String body, ServerRoute route) {
        try {
            JsonNode content = json.readTree(body).path("choices").path(0).path("message").path("content");
            if (content.isTextual()) {
                return content.asText();
            }
        } catch (IOException e) {
            // said below
        }
        throw OpenAiException.unservable(route.model(), "the server " + route.server() + " answered without choices[0].message.content");
    }
}
