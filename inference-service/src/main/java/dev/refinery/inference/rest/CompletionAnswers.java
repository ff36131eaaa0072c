package dev.refinery.inference.rest;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.refinery.engine.generate.GenerationResult;
import dev.refinery.engine.serve.ServingRequest;
import dev.refinery.engine.serve.ServingResult;
import dev.refinery.engine.serve.TokenListener;
import dev.refinery.inference.openai.OpenAiException;
import dev.refinery.inference.openai.Sampling;
import dev.refinery.inference.openai.StreamFormat;
import dev.refinery.inference.server.InferenceServers;
import dev.refinery.inference.server.ServerProxy;
import dev.refinery.inference.server.ServerRoute;
import dev.refinery.inference.server.WatchedAnswer;
import dev.refinery.inference.service.Completions;
import dev.refinery.inference.service.ServedTarget;
import dev.refinery.inference.service.ServingMetrics;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.StreamingOutput;
import org.jboss.logging.Logger;

import java.io.IOException;
import java.time.Duration;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * What the chat and the text completion endpoints do alike: ask an operator's server, or start the request on the engine,
 * wait for a whole answer or stream it, and answer every failure in OpenAI's shape.
 */
@ApplicationScoped
class CompletionAnswers {

    private static final Logger LOG = Logger.getLogger(CompletionAnswers.class);
    /** As long as the gateway waits for an answer (refinery.gateway.inference-timeout). */
    private static final Duration WHOLE_ANSWER_WITHIN = Duration.ofMinutes(10);

    @Inject
    Completions completions;

    @Inject
    ServingMetrics metrics;

    @Inject
    InferenceServers servers;

    @Inject
    ObjectMapper json;

    /** {@code answer}, with anything unexpected answered in OpenAI's shape too (the trace goes to the log only). */
    Response guarded(String what, Supplier<Response> answer) {
        try {
            return answer.get();
        } catch (OpenAiException e) {
            throw e;
        } catch (RuntimeException e) {
            LOG.errorf(e, "%s failed", what);
            throw OpenAiException.internal("answering");
        }
    }

    /**
     * The operator's server (or a provider) answers at {@code path} (a server that forgot an adapter is given it again). A
     * success that reaches the caller whole is handed to {@code whole}.
     */
    Response askServer(ServerRoute route, ServedTarget target, String tenant, String body, String path,
                       Consumer<WatchedAnswer.Arrived> whole) {
        ServerProxy.Answer answer = servers.ask(route, target, tenant, path, readObject(body));
        metrics.proxied(target.model(), route.server());
        return answer.relay(whole);
    }

    Completions.Started start(ServedTarget target, ServingRequest.Prompt prompt, Sampling sampling, TokenListener listener) {
        try {
            return completions.start(target, prompt, sampling, listener);
        } catch (OpenAiException e) {
            metrics.refused(target.model(), e.code());
            throw e;
        }
    }

    /** The whole answer; one that outlives the gateway's wait (or whose thread is interrupted) is cancelled. */
    ServingResult whole(Completions.Started started) {
        ServingResult r = completions.whole(started, WHOLE_ANSWER_WITHIN);
        metrics.finished(started.model(), r);
        if (r.finish() == GenerationResult.FinishReason.CANCELLED) {
            throw OpenAiException.engineStopped();
        }
        return r;
    }

    /** The answer as server-sent events in {@code format}; {@code onAnswered} is told of a complete answer. */
    Response stream(Completions.Started started, StreamRelay relay, StreamFormat format, String id, long created, boolean includeUsage,
                    Consumer<ServingResult> onAnswered) {
        StreamingOutput stream = out -> relay.writeTo(out, format, started.handle(), json, id, created, started.model(), includeUsage, r -> {
            metrics.finished(started.model(), r);
            if (r.finish() != GenerationResult.FinishReason.CANCELLED) {
                onAnswered.accept(r);
            }
        });
        return Response.ok(stream).type(MediaType.SERVER_SENT_EVENTS).header("Cache-Control", "no-cache").build();
    }

    /** OpenAI's finish_reason: {@code stop} (an end token or a stop sequence) or {@code length} (max_tokens). */
    static String finishReason(ServingResult r) {
        return r.finish() == GenerationResult.FinishReason.LENGTH ? "length" : "stop";
    }

    private ObjectNode readObject(String body) {
        try {
            return (ObjectNode) json.readTree(body); // the parser accepted it: a JSON object
        } catch (IOException e) {
            throw new IllegalStateException("a request the parser accepted is not JSON", e);
        }
    }
}
