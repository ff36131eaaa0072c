package dev.refinery.eval.inference;

import dev.refinery.engine.chat.ChatMessage;

import dev.refinery.catalog.ProviderCutoff;
import dev.refinery.eval.service.EvaluationFailure;

import java.net.http.HttpClient;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletionService;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorCompletionService;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.LongUnaryOperator;

/**
 * Every answer of one model to a list of prompts, over the OpenAI-shaped chat-completions API that Together,
 * Fireworks, OpenAI, vLLM and TGI share: all of them in prompt order, or an {@link EvaluationFailure} — never some.
 *
 * <p>Answers already in the {@link OutputCache} are not asked again; each new one is stored as soon as it arrives (so
 * a call that fails late keeps what it paid for). Identical prompts in one call are asked once. At most
 * {@link InferenceSettings#maxInFlight()} requests are in flight; a 429, 5xx or lost connection is retried with
 * {@link Backoff} up to {@link InferenceSettings#maxAttempts()} tries in all; the first item that cannot be answered
 * stops the others and fails the call.
 *
 * <p>Why a retry loop of our own rather than SmallRye Fault Tolerance's {@code Guard} (which is on the classpath and
 * whose {@code CustomBackoffStrategy} can read a server delay from the exception): its programmatic API needs its
 * runtime behind a CDI container (or the separate standalone artifact), and this client also runs in plain JVMs (unit
 * tests, the bench); the loop is a dozen lines, and its waits go through an injectable {@link Sleeper} so that tests
 * can check which delay was honoured without waiting for it.
 */
public class InferenceClient {

    /** Waits between tries; tests record instead of sleeping. */
    @FunctionalInterface
    interface Sleeper {
        void sleep(Duration duration) throws InterruptedException;
    }

    private static final AtomicInteger POOLS = new AtomicInteger();

    private final InferenceSettings settings;
    private final OutputCache cache;
    private final ServingCutoffs cutoffs;
    private final ChatCompletionsCall call;
    private final Backoff backoff;
    private final Sleeper sleeper;

    /**
     * @param cutoffs usually {@code ServingCutoffs.from(ModelCatalog.loadFromEnvironment(), clock)}
     */
    public InferenceClient(InferenceSettings settings, OutputCache cache, ServingCutoffs cutoffs, Clock clock) {
        this(settings, cache, cutoffs, defaultHttpClient(settings), clock,
                duration -> Thread.sleep(duration.toMillis()), bound -> ThreadLocalRandom.current().nextLong(bound + 1));
    }

    InferenceClient(InferenceSettings settings, OutputCache cache, ServingCutoffs cutoffs, HttpClient http, Clock clock,
                    Sleeper sleeper, LongUnaryOperator jitter) {
        this.settings = settings;
        this.cache = cache;
        this.cutoffs = cutoffs;
        this.call = new ChatCompletionsCall(http, settings.requestTimeout(), clock);
        this.backoff = new Backoff(settings, jitter);
        this.sleeper = sleeper;
    }

    private static HttpClient defaultHttpClient(InferenceSettings settings) {
        // HTTP/1.1: local servers (vLLM, TGI, stubs) speak it, and one connection per request in flight is what the
        // concurrency limit counts.
        return HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(settings.connectTimeout())
                .followRedirects(HttpClient.Redirect.NORMAL).build();
    }

    /**
     * Asks {@code endpoint} for the answer to every prompt.
     *
     * @param tenant the project the evaluation belongs to; cached answers are its own
     * @param prompts each prompt is the chat messages sent as they are
     * @return the answers ({@code choices[0].message.content}), the i-th for the i-th prompt
     * @throws EvaluationFailure with one of {@link InferenceErrorCodes} when any prompt cannot be answered; the message
     *                           names the model, the endpoint and the prompt's index
     * @throws InterruptedException when the calling thread is interrupted; requests in flight are abandoned
     */
    public List<String> answerAll(String tenant, Endpoint endpoint, List<List<ChatMessage>> prompts, Decoding decoding)
            throws InterruptedException {
        Optional<ProviderCutoff> retired = cutoffs.passed(endpoint);
        if (retired.isPresent()) {
            ProviderCutoff cutoff = retired.get();
            throw new EvaluationFailure(InferenceErrorCodes.MODEL_RETIRED, endpoint.describe() + " is no longer served: "
                    + cutoff.what() + " from " + cutoff.from() + " (source: " + cutoff.source() + "). Re-run its training"
                    + " spec on another backend and evaluate that model instead.");
        }
        int count = prompts.size();
        String[] answers = new String[count];
        // Identical prompts share a key, and are asked once: the first index of each key stands for all of them.
        Map<String, List<Integer>> indexesByKey = new LinkedHashMap<>();
        for (int i = 0; i < count; i++) {
            indexesByKey.computeIfAbsent(CacheKey.of(tenant, endpoint, prompts.get(i), decoding), key -> new ArrayList<>()).add(i);
        }
        Map<String, String> cached = cache.find(tenant, indexesByKey.keySet());
        List<String> missing = new ArrayList<>();
        indexesByKey.forEach((key, indexes) -> {
            String answer = cached.get(key);
            if (answer == null) {
                missing.add(key);
            } else {
                indexes.forEach(i -> answers[i] = answer);
            }
        });
        if (!missing.isEmpty()) {
            ask(tenant, endpoint, prompts, decoding, missing, indexesByKey, answers);
        }
        return List.of(answers);
    }

    private void ask(String tenant, Endpoint endpoint, List<List<ChatMessage>> prompts, Decoding decoding, List<String> keys,
                     Map<String, List<Integer>> indexesByKey, String[] answers) throws InterruptedException {
        int threads = Math.min(settings.maxInFlight(), keys.size());
        int pool = POOLS.incrementAndGet();
        AtomicInteger threadNumber = new AtomicInteger();
        // One thread per request in flight: each blocks on its HTTP answer or its backoff, so the pool size is the limit.
        ExecutorService executor = Executors.newFixedThreadPool(threads, task -> {
            Thread thread = new Thread(task, "inference-" + pool + "-" + threadNumber.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        });
        try {
            CompletionService<Answered> done = new ExecutorCompletionService<>(executor);
            for (String key : keys) {
                int index = indexesByKey.get(key).get(0);
                done.submit(() -> new Answered(key, answerOne(endpoint, index, prompts.size(), prompts.get(index), decoding)));
            }
            for (int received = 0; received < keys.size(); received++) {
                Answered answered;
                try {
                    answered = done.take().get();
                } catch (ExecutionException e) {
                    if (e.getCause() instanceof EvaluationFailure failure) {
                        throw failure;
                    }
                    if (e.getCause() instanceof InterruptedException interrupted) {
                        throw interrupted;
                    }
                    throw new IllegalStateException("inference worker failed: " + e.getCause(), e.getCause());
                }
                cache.store(tenant, answered.key(), endpoint, answered.content());
                for (int index : indexesByKey.get(answered.key())) {
                    answers[index] = answered.content();
                }
            }
        } finally {
            // On failure: the other items stop at once (interrupted in their request or backoff), nothing more is paid.
            executor.shutdownNow();
        }
    }

    private record Answered(String key, String content) {
    }

    private String answerOne(Endpoint endpoint, int index, int count, List<ChatMessage> prompt, Decoding decoding)
            throws InterruptedException {
        AttemptOutcome.Retryable last = null;
        for (int attempt = 1; attempt <= settings.maxAttempts(); attempt++) {
            AttemptOutcome outcome = call.attempt(endpoint, prompt, decoding);
            if (outcome instanceof AttemptOutcome.Answer answer) {
                return answer.content();
            }
            if (outcome instanceof AttemptOutcome.Fatal fatal) {
                throw failure(fatal.code(), endpoint, index, count, fatal.message());
            }
            last = (AttemptOutcome.Retryable) outcome;
            if (attempt < settings.maxAttempts()) {
                sleeper.sleep(backoff.before(attempt, last.serverDelay()));
            }
        }
        String lastAnswer = last.status() == 0 ? last.message() : "HTTP " + last.status() + ": " + last.message();
        throw failure(InferenceErrorCodes.ENDPOINT_ERROR, endpoint, index, count, "the endpoint kept failing: "
                + settings.maxAttempts() + " attempts, the last answered " + lastAnswer);
    }

    private static EvaluationFailure failure(String code, Endpoint endpoint, int index, int count, String detail) {
        return new EvaluationFailure(code, endpoint.describe() + ", prompt " + index + " (of " + count + ", counted from 0): "
                + detail + ". No answers of this model are used: the evaluation needs all of them.");
    }
}
