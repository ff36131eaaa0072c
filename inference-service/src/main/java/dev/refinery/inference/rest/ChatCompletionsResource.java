package dev.refinery.inference.rest;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.refinery.engine.generate.GenerationResult;
import dev.refinery.engine.serve.ServingResult;
import dev.refinery.engine.serve.TokenListener;
import dev.refinery.inference.capture.CaptureRecorder;
import dev.refinery.inference.capture.CapturedAnswer;
import dev.refinery.inference.openai.ChatCompletion;
import dev.refinery.inference.openai.ChatCompletionRequest;
import dev.refinery.inference.openai.ChatRequestParser;
import dev.refinery.inference.openai.OpenAiException;
import dev.refinery.inference.openai.Usage;
import dev.refinery.inference.service.Completions;
import dev.refinery.inference.service.ModelResolver;
import dev.refinery.inference.service.ServedTarget;
import dev.refinery.inference.server.InferenceServers;
import dev.refinery.inference.server.ServerProxy;
import dev.refinery.inference.server.ServerRoute;
import dev.refinery.inference.service.ServingMetrics;
import dev.refinery.kit.auth.CurrentCaller;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.StreamingOutput;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.jboss.logging.Logger;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * OpenAI's {@code POST /v1/chat/completions}: the request as OpenAI defines it, answered by the engine that serves the named
 * model (an adapter in a batch with every other adapter of its base model), whole or streamed as server-sent events, or by
 * the operator's inference server that serves it (see {@link InferenceServers}).
 * Errors are in OpenAI's error shape, so OpenAI's client libraries read them.
 */
@Path("/v1/chat/completions")
public class ChatCompletionsResource {

    private static final Logger LOG = Logger.getLogger(ChatCompletionsResource.class);
    /** As long as the gateway waits for an answer (refinery.gateway.inference-timeout). */
    private static final Duration WHOLE_ANSWER_WITHIN = Duration.ofMinutes(10);

    @Inject
    ModelResolver resolver;

    @Inject
    Completions completions;

    @Inject
    ServingMetrics metrics;

    @Inject
    CurrentCaller caller;

    @Inject
    ObjectMapper json;

    @Inject
    InferenceServers servers;

    @Inject
    ServerProxy proxy;

    @Inject
    CaptureRecorder capture;

    @POST
    @Consumes(MediaType.WILDCARD)
    @Produces({MediaType.APPLICATION_JSON, MediaType.SERVER_SENT_EVENTS})
    @Operation(summary = "A chat completion (OpenAI-compatible), whole or streamed (stream: true)")
    public Response create(String body) {
        try {
            return answer(body);
        } catch (OpenAiException e) {
            throw e;
        } catch (RuntimeException e) {
            // whatever else failed is ours, and still answered in OpenAI's shape (the trace goes to the log only)
            LOG.errorf(e, "chat completion failed");
            throw OpenAiException.internal("answering");
        }
    }

    private Response answer(String body) {
        ChatCompletionRequest request = ChatRequestParser.parse(body);
        ServedTarget target = resolver.resolve(caller.tenant(), request.model());
        Optional<ServerRoute> server = servers.route(target);
        if (server.isPresent()) {
            return askServer(server.get(), target, body);
        }
        String id = "chatcmpl-" + UUID.randomUUID().toString().replace("-", "");
        long created = Instant.now().getEpochSecond();
        String tenant = caller.tenant();
        if (!request.stream()) {
            Completions.Started started = start(target, request, TokenListener.NONE);
            ServingResult r = await(started);
            metrics.finished(started.model(), r);
            if (r.finish() == GenerationResult.FinishReason.CANCELLED) {
                throw OpenAiException.engineStopped();
            }
            capture.answered(captured(tenant, id, request, target, r, false));
            return Response.ok(ChatCompletion.of(id, created, started.model(), r.text(), finishReason(r),
                    Usage.of(r.promptTokens(), r.completionTokens()))).type(MediaType.APPLICATION_JSON).build();
        }
        StreamRelay relay = new StreamRelay();
        Completions.Started started = start(target, request, relay);
        StreamingOutput stream = out -> relay.writeTo(out, started.handle(), json, id, created, started.model(), request.includeUsage(),
                r -> {
                    metrics.finished(started.model(), r);
                    if (r.finish() != GenerationResult.FinishReason.CANCELLED) {
                        capture.answered(captured(tenant, id, request, target, r, true));
                    }
                });
        return Response.ok(stream).type(MediaType.SERVER_SENT_EVENTS).header("Cache-Control", "no-cache").build();
    }

    /**
     * The operator's server answers; one that no longer knows an adapter it was given (it restarted) is given it again and
     * asked once more.
     */
    private Response askServer(ServerRoute route, ServedTarget target, String body) {
        ServerProxy.Answer answer = proxy.send(route, readObject(body));
        if (answer.modelNotFound() && route.adapterVersion() != null) {
            answer.discard();
            servers.forget(route);
            route = servers.route(target).orElseThrow();
            answer = proxy.send(route, readObject(body));
        }
        metrics.proxied(target.model(), route.server());
        return answer.relay();
    }

    private ObjectNode readObject(String body) {
        try {
            return (ObjectNode) json.readTree(body); // ChatRequestParser accepted it: a JSON object
        } catch (java.io.IOException e) {
            throw new IllegalStateException("a request the parser accepted is not JSON", e);
        }
    }

    /** What capture keeps of an answer (whether the project captures is decided on the capture thread, off this one). */
    private static CapturedAnswer captured(String tenant, String id, ChatCompletionRequest request, ServedTarget target, ServingResult r,
                                           boolean streamed) {
        return new CapturedAnswer(tenant, id, request.model(), target, request.messages(), r, finishReason(r), streamed, Instant.now());
    }

    private Completions.Started start(ServedTarget target, ChatCompletionRequest request, TokenListener listener) {
        try {
            return completions.start(target, request, listener);
        } catch (OpenAiException e) {
            metrics.refused(target.model(), e.code());
            throw e;
        }
    }

    /** The whole answer; a request that outlives the gateway's wait (or whose thread is interrupted) is cancelled. */
    private static ServingResult await(Completions.Started started) {
        try {
            return started.handle().result().get(WHOLE_ANSWER_WITHIN.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            started.handle().cancel();
            throw new OpenAiException(504, "server_error", "answer_timeout", null, "The answer took longer than "
                    + WHOLE_ANSWER_WITHIN.toMinutes() + " minutes and was stopped; ask for fewer tokens or stream it.", null);
        } catch (InterruptedException e) {
            started.handle().cancel();
            Thread.currentThread().interrupt();
            throw OpenAiException.engineStopped();
        } catch (ExecutionException e) {
            throw new IllegalStateException("the engine failed while answering: " + e.getCause().getMessage(), e.getCause());
        }
    }

    /** OpenAI's finish_reason: {@code stop} (an end-of-turn token or a stop sequence) or {@code length} (max_tokens). */
    static String finishReason(ServingResult r) {
        return r.finish() == GenerationResult.FinishReason.LENGTH ? "length" : "stop";
    }
}
