package dev.refinery.inference.service;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.refinery.engine.chat.ChatMessage;
import dev.refinery.engine.generate.GenerationResult;
import dev.refinery.engine.serve.ServingRequest;
import dev.refinery.engine.serve.ServingResult;
import dev.refinery.engine.serve.TokenListener;
import dev.refinery.inference.openai.OpenAiException;
import dev.refinery.inference.openai.Sampling;
import dev.refinery.inference.server.InferenceServers;
import dev.refinery.inference.server.ServerRoute;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * A chat answer of any model a project can name, asked by this service itself rather than by a caller (a shadow trial's
 * challenger and judge): the same resolution and the same engines, servers (an adapter a server forgot given again) and
 * providers as a request at the door, the whole text back.
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
    ObjectMapper json;

    /**
     * {@code model}'s answer to {@code messages}, decoded as {@code sampling} says (answered whole).
     *
     * @throws OpenAiException as the door would answer it (unknown model, busy, a server's failure, the engine stopped)
     */
    public String ask(String tenant, String model, List<ChatMessage> messages, Sampling sampling) {
        ServedTarget target = resolver.resolve(tenant, model);
        Optional<ServerRoute> server = servers.route(target, tenant);
        if (server.isPresent()) {
            return contentOf(servers.ask(server.get(), target, tenant, "/chat/completions", request(messages, sampling)).wholeBody(),
                    server.get());
        }
        ServingResult r = completions.whole(completions.start(target, new ServingRequest.Prompt.Chat(messages), sampling.whole(),
                TokenListener.NONE), WITHIN);
        if (r.finish() == GenerationResult.FinishReason.CANCELLED) {
            throw OpenAiException.engineStopped();
        }
        return r.text();
    }

    private ObjectNode request(List<ChatMessage> messages, Sampling sampling) {
        ObjectNode request = json.createObjectNode().put("temperature", sampling.temperature()).put("top_p", sampling.topP());
        if (sampling.maxTokens() != null) {
            request.put("max_tokens", sampling.maxTokens());
        }
        if (sampling.seed() != null) {
            request.put("seed", sampling.seed());
        }
        if (sampling.stop() != null && !sampling.stop().isEmpty()) {
            sampling.stop().forEach(request.putArray("stop")::add);
        }
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
