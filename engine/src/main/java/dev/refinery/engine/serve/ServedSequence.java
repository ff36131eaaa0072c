package dev.refinery.engine.serve;

import dev.refinery.engine.generate.GenerationOptions;
import dev.refinery.engine.generate.GenerationResult.FinishReason;
import dev.refinery.engine.generate.LoraDelta;
import dev.refinery.engine.generate.Sampler;

import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One request from submission to its result: the prompt it still has to read, the tokens it has made, its sampler,
 * its adapter lease and its text stream. Only the decode thread advances it; any thread may cancel it.
 */
final class ServedSequence implements RequestHandle {

    private final long id;
    private final ServingEngine engine;
    final int[] prompt;
    final GenerationOptions options;
    private final Sampler sampler;
    private final AdapterCache.Lease adapter;
    private final StreamingText text;
    private final TokenListener listener;
    private final long submittedNanos;
    private final CompletableFuture<ServingResult> result = new CompletableFuture<>();
    private final AtomicBoolean finished = new AtomicBoolean();
    private volatile boolean cancelRequested;
    private long firstTokenNanos;
    private int[] generated;
    private int count;
    /** Prompt tokens already in the KV cache. */
    int fed;
    /** The decoder slot while running, -1 while queued. */
    int slot = -1;

    ServedSequence(long id, ServingEngine engine, int[] prompt, GenerationOptions options, AdapterCache.Lease adapter,
                   StreamingText text, TokenListener listener) {
        this.id = id;
        this.engine = engine;
        this.prompt = prompt;
        this.options = options;
        this.sampler = new Sampler(options);
        this.adapter = adapter;
        this.text = text;
        this.listener = listener;
        this.submittedNanos = System.nanoTime();
        this.generated = new int[Math.min(options.maxTokens(), 256)];
    }

    @Override
    public long id() {
        return id;
    }

    @Override
    public void cancel() {
        cancelRequested = true;
        engine.cancelQueued(this);
    }

    @Override
    public CompletableFuture<ServingResult> result() {
        return result;
    }

    boolean cancelRequested() {
        return cancelRequested;
    }

    /** Null for the base model. */
    LoraDelta delta() {
        return adapter == null ? null : adapter.delta();
    }

    boolean readingPrompt() {
        return fed < prompt.length;
    }

    /** The token the next step feeds when the prompt is read: the last one generated. */
    int lastToken() {
        return generated[count - 1];
    }

    int generatedCount() {
        return count;
    }

    /**
     * Chooses the next token from its logits and streams it; returns the finish reason when this token ends the
     * request (which the caller then {@link #finish}es), or null to go on. A listener that throws ends it CANCELLED.
     */
    FinishReason accept(float[] logits) {
        int next = sampler.next(logits);
        if (options.isStop(next)) {
            return FinishReason.STOP;
        }
        if (count == 0) {
            firstTokenNanos = System.nanoTime();
        }
        if (count == generated.length) {
            generated = Arrays.copyOf(generated, Math.min(options.maxTokens(), count * 2));
        }
        generated[count++] = next;
        try {
            listener.onToken(next, text.append(next));
        } catch (RuntimeException clientGone) {
            // A listener that throws stands for a client that went away: stop spending steps on it.
            return FinishReason.CANCELLED;
        }
        if (text.stopped()) {
            return FinishReason.STOP;
        }
        return count == options.maxTokens() ? FinishReason.LENGTH : null;
    }

    /** Ends the request once (later calls do nothing): releases its adapter and reports the result. */
    void finish(FinishReason reason) {
        if (!finished.compareAndSet(false, true)) {
            return;
        }
        if (adapter != null) {
            adapter.close();
        }
        long now = System.nanoTime();
        Duration ttft = count == 0 ? null : Duration.ofNanos(firstTokenNanos - submittedNanos);
        ServingResult r = new ServingResult(text.text(), Arrays.copyOf(generated, count), reason, prompt.length, count, ttft,
                Duration.ofNanos(now - submittedNanos));
        try {
            listener.onFinish(text.flush(), r);
        } catch (RuntimeException e) {
            // The client is gone; the result below still completes for whoever waits on it.
        }
        result.complete(r);
    }

    /** Ends the request with the engine's failure. */
    void fail(Throwable error) {
        if (!finished.compareAndSet(false, true)) {
            return;
        }
        if (adapter != null) {
            adapter.close();
        }
        result.completeExceptionally(error);
    }

    boolean isFinished() {
        return finished.get();
    }
}
