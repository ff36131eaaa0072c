package dev.refinery.inference.service;

import dev.refinery.engine.EngineException;
import dev.refinery.engine.generate.GenerationOptions;
import dev.refinery.engine.serve.RequestHandle;
import dev.refinery.engine.serve.ServingResult;
import dev.refinery.engine.serve.ServingRequest;
import dev.refinery.engine.serve.TokenListener;
import dev.refinery.inference.openai.Sampling;
import dev.refinery.inference.openai.OpenAiException;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Starts a chat or text completion on the engine that serves its model: the decoding settings, the context check (a prompt that
 * leaves no room for an answer, or a max_tokens that does not fit, is a 400 naming the limit) and the engine's refusals in
 * OpenAI's error shape.
 */
@ApplicationScoped
public class Completions {

    @Inject
    EnginePool pool;

    /** A request on its way: its handle, and the figures the response reports. */
    public record Started(RequestHandle handle, String model, int promptTokens) {
    }

    /** @throws OpenAiException for whatever the engine refuses before it queues the request */
    public Started start(ServedTarget target, ServingRequest.Prompt prompt, Sampling request, TokenListener listener) {
        String what = prompt instanceof ServingRequest.Prompt.Chat ? "messages" : "prompt";
        try {
            EnginePool.Route route = pool.route(target);
            int promptTokens = route.engine().promptTokens(prompt);
            int context = route.engine().contextTokens();
            int room = context - promptTokens;
            if (room < 1 || (request.maxTokens() != null && request.maxTokens() > room)) {
                throw OpenAiException.invalid("context_length_exceeded", what, "This model's context is " + context + " tokens; the "
                        + what + " take" + (what.equals("prompt") ? "s " : " ") + promptTokens + (request.maxTokens() == null ? "" : " and max_tokens asks for " + request.maxTokens())
                        + ". Shorten the " + what + (request.maxTokens() == null ? "." : " or ask for fewer tokens."));
            }
            int maxTokens = request.maxTokens() != null ? request.maxTokens() : room;
            long seed = request.seed() != null ? request.seed() : ThreadLocalRandom.current().nextLong();
            boolean greedy = request.greedy();
            GenerationOptions options = new GenerationOptions(maxTokens, greedy ? 0f : (float) request.temperature(), 0,
                    greedy ? 1f : (float) request.topP(), seed, null);
            RequestHandle handle = route.engine().submit(new ServingRequest(route.adapter(), prompt, options, request.stop()), listener);
            return new Started(handle, target.model(), promptTokens);
        } catch (EngineException.EngineClosed e) {
            // the engine was closed between choosing it and queueing (a whole model unloaded, or shutdown): asking again works
            throw OpenAiException.engineStopped();
        } catch (EngineException.QueueFull e) {
            throw OpenAiException.busy("The server is busy: " + e.getMessage() + ". Retry after the time in Retry-After.",
                    (int) Math.max(1, (e.retryAfter().toMillis() + 999) / 1000));
        } catch (EngineException.ContextTooLong e) {
            throw OpenAiException.invalid("context_length_exceeded", what, e.getMessage());
        } catch (EngineException.InvalidChat | EngineException.InvalidArgument e) {
            throw OpenAiException.invalid("invalid_" + what, what, e.getMessage());
        } catch (EngineException e) {
            throw OpenAiException.unservable(target.model(), "[" + e.code() + "] " + e.getMessage());
        }
    }

    /**
     * The whole answer of a started request (its finish says whether the engine cancelled it); one that outlives
     * {@code within} (or whose thread is interrupted) is cancelled.
     *
     * @throws OpenAiException 504 after {@code within}
     */
    public ServingResult whole(Started started, Duration within) {
        ServingResult r;
        try {
            r = started.handle().result().get(within.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            started.handle().cancel();
            throw new OpenAiException(504, "server_error", "answer_timeout", null, "The answer took longer than "
                    + within.toMinutes() + " minutes and was stopped; ask for fewer tokens or stream it.", null);
        } catch (InterruptedException e) {
            started.handle().cancel();
            Thread.currentThread().interrupt();
            throw OpenAiException.engineStopped();
        } catch (ExecutionException e) {
            throw new IllegalStateException("the engine failed while answering: " + e.getCause().getMessage(), e.getCause());
        }
        return r;
    }
}
