package dev.refinery.inference.rest;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.refinery.engine.serve.ServingRequest;
import dev.refinery.engine.serve.ServingResult;
import dev.refinery.engine.serve.TokenListener;
import dev.refinery.inference.capture.CaptureRecorder;
import dev.refinery.inference.capture.CapturedAnswer;
import dev.refinery.inference.capture.ProxiedAnswer;
import dev.refinery.inference.openai.ChatCompletion;
import dev.refinery.inference.openai.ChatCompletionRequest;
import dev.refinery.inference.openai.ChatRequestParser;
import dev.refinery.inference.openai.StreamFormat;
import dev.refinery.inference.openai.Usage;
import dev.refinery.inference.server.InferenceServers;
import dev.refinery.inference.server.ServerRoute;
import dev.refinery.inference.service.Completions;
import dev.refinery.inference.service.ModelResolver;
import dev.refinery.inference.service.ServedTarget;
import dev.refinery.inference.shadow.ShadowMirror;
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
import java.util.function.Consumer;

/**
 * OpenAI's {@code POST /v1/chat/completions}: the request as OpenAI defines it, answered by the engine that serves the named
 * model (an adapter in a batch with every other adapter of its base model), whole or streamed as server-sent events, or by
 * the operator's inference server that serves it (see {@link InferenceServers}). Errors are in OpenAI's error shape, so
 * OpenAI's client libraries read them. A complete answer is handed to capture (which keeps it if the project captures).
 */
@Path("/v1/chat/completions")
public class ChatCompletionsResource {

    @Inject
    ModelResolver resolver;

    @Inject
    CompletionAnswers answers;

    @Inject
    InferenceServers servers;

    @Inject
    CaptureRecorder capture;

    @Inject
    ShadowMirror shadow;

    @Inject
    CurrentCaller caller;

    @Inject
    ObjectMapper json;

    @POST
    @Consumes(MediaType.WILDCARD)
    @Produces({MediaType.APPLICATION_JSON, MediaType.SERVER_SENT_EVENTS})
    @Operation(summary = "A chat completion (OpenAI-compatible), whole or streamed (stream: true)")
    public Response create(String body) {
        return answers.guarded("chat completion", () -> answer(body));
    }

    private Response answer(String body) {
        ChatCompletionRequest request = ChatRequestParser.parse(body);
        String tenant = caller.tenant();
        ServedTarget target = resolver.resolve(tenant, request.model());
        // eval-service asking the project's models is not the project's traffic: never captured nor mirrored to a challenger
        Consumer<CapturedAnswer> keep = caller.get().isServiceForTenant() ? answer -> { } : answer -> {
            capture.answered(answer);
            shadow.answered(answer, request.sampling());
        };
        Optional<ServerRoute> server = servers.route(target, tenant);
        if (server.isPresent()) {
            return answers.askServer(server.get(), target, tenant, body, "/chat/completions", arrived -> ProxiedAnswer.read(arrived, json)
                    .ifPresent(a -> keep.accept(captured(tenant, a.id(), request, target, a.result(), a.streamed()))));
        }
        String id = "chatcmpl-" + UUID.randomUUID().toString().replace("-", "");
        long created = Instant.now().getEpochSecond();
        Consumer<ServingResult> answered = r -> keep.accept(captured(tenant, id, request, target, r, request.sampling().stream()));
        ServingRequest.Prompt prompt = new ServingRequest.Prompt.Chat(request.messages());
        if (!request.sampling().stream()) {
            Completions.Started started = answers.start(target, prompt, request.sampling(), TokenListener.NONE);
            ServingResult r = answers.whole(started);
            answered.accept(r);
            return Response.ok(ChatCompletion.of(id, created, started.model(), r.text(), CompletionAnswers.finishReason(r),
                    Usage.of(r.promptTokens(), r.completionTokens()))).type(MediaType.APPLICATION_JSON).build();
        }
        StreamRelay relay = new StreamRelay();
        Completions.Started started = answers.start(target, prompt, request.sampling(), relay);
        return answers.stream(started, relay, StreamFormat.CHAT, id, created, request.sampling().includeUsage(), answered);
    }

    /**
     * What capture keeps of an answer, the engine's or a server's (whether the project captures is decided on the capture
     * thread, off this one).
     */
    private static CapturedAnswer captured(String tenant, String id, ChatCompletionRequest request, ServedTarget target, ServingResult r,
                                           boolean streamed) {
        return new CapturedAnswer(tenant, id, request.model(), target, request.messages(), r, CompletionAnswers.finishReason(r), streamed,
                Instant.now());
    }
}
