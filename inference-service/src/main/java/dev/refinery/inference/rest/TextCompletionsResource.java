package dev.refinery.inference.rest;

import dev.refinery.engine.serve.ServingRequest;
import dev.refinery.engine.serve.ServingResult;
import dev.refinery.engine.serve.TokenListener;
import dev.refinery.inference.openai.StreamFormat;
import dev.refinery.inference.openai.TextCompletion;
import dev.refinery.inference.openai.TextCompletionRequest;
import dev.refinery.inference.openai.TextRequestParser;
import dev.refinery.inference.openai.Usage;
import dev.refinery.inference.server.InferenceServers;
import dev.refinery.inference.server.ServerRoute;
import dev.refinery.inference.service.Completions;
import dev.refinery.inference.service.ModelResolver;
import dev.refinery.inference.service.ServedTarget;
import dev.refinery.kit.auth.CurrentCaller;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.eclipse.microprofile.openapi.annotations.Operation;

import java.time.Instant;
import java.util.Optional;
import java.util.UUID;

/**
 * OpenAI's {@code POST /v1/completions}: plain text continued by the named model (no chat template: BOS, then the prompt),
 * whole or streamed, on the engine or on the operator's server that serves it. Text completions are not captured: capture
 * keeps conversations, the shape its exports train on.
 */
@Path("/v1/completions")
public class TextCompletionsResource {

    @Inject
    ModelResolver resolver;

    @Inject
    CompletionAnswers answers;

    @Inject
    InferenceServers servers;

    @Inject
    CurrentCaller caller;

    @POST
    @Consumes(MediaType.WILDCARD)
    @Produces({MediaType.APPLICATION_JSON, MediaType.SERVER_SENT_EVENTS})
    @Operation(summary = "A text completion (OpenAI-compatible): the prompt continued, whole or streamed (stream: true)")
    public Response create(String body) {
        return answers.guarded("text completion", () -> answer(body));
    }

    private Response answer(String body) {
        TextCompletionRequest request = TextRequestParser.parse(body);
        ServedTarget target = resolver.resolve(caller.tenant(), request.model());
        Optional<ServerRoute> server = servers.route(target, caller.tenant());
        if (server.isPresent()) {
            return answers.askServer(server.get(), target, caller.tenant(), body, "/completions", arrived -> { });
        }
        String id = "cmpl-" + UUID.randomUUID().toString().replace("-", "");
        long created = Instant.now().getEpochSecond();
        ServingRequest.Prompt prompt = new ServingRequest.Prompt.Text(request.prompt());
        if (!request.sampling().stream()) {
            Completions.Started started = answers.start(target, prompt, request.sampling(), TokenListener.NONE);
            ServingResult r = answers.whole(started);
            return Response.ok(TextCompletion.whole(id, created, started.model(), r.text(), CompletionAnswers.finishReason(r),
                    Usage.of(r.promptTokens(), r.completionTokens()))).type(MediaType.APPLICATION_JSON).build();
        }
        StreamRelay relay = new StreamRelay();
        Completions.Started started = answers.start(target, prompt, request.sampling(), relay);
        return answers.stream(started, relay, StreamFormat.TEXT, id, created, request.sampling().includeUsage(), r -> { });
    }
}
