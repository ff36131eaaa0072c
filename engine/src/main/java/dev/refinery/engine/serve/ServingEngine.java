package dev.refinery.engine.serve;

import dev.refinery.engine.EngineException;
import dev.refinery.engine.LanguageModel;
import dev.refinery.engine.generate.GenerationOptions;
import dev.refinery.engine.generate.GenerationResult.FinishReason;
import dev.refinery.engine.generate.KvCacheDecoder;
import dev.refinery.engine.generate.LoraDelta;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * One base model serving many requests and many LoRA adapters at once, with continuous batching: a fixed number of
 * slots decode together, one step at a time, and between steps finished or cancelled sequences leave and queued
 * ones take their place. The rows of a step may each use a different adapter: the base product runs once for the
 * whole step and each row adds its adapter's low-rank update ({@link KvCacheDecoder}), so mixing adapters costs
 * only the small products of the adapters themselves.
 *
 * <p>A new sequence reads its prompt in blocks within the same steps that decode the others (at most
 * {@link ServingConfig#maxStepTokens} rows per step, running sequences first), then generates one token per step.
 * One background thread runs the steps; {@link #close} stops it and cancels whatever is left.
 *
 * <pre>{@code
 * try (ServingEngine engine = new ServingEngine(model, adapters, ServingConfig.defaults())) {
 *     engine.start();
 *     RequestHandle h = engine.submit(ServingRequest.chat("support-v2", messages, GenerationOptions.greedy(128)), listener);
 *     ServingResult r = h.result().join();
 * }
 * }</pre>
 */
public final class ServingEngine implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(ServingEngine.class.getName());

    private final LanguageModel model;
    private final AdapterCache adapters;
    private final ServingConfig config;
    private final KvCacheDecoder decoder;
    private final int vocab;
    private final int context;

    private final ReentrantLock lock = new ReentrantLock();
    private final Condition workArrived = lock.newCondition();
    /** Guarded by {@link #lock}. */
    private final ArrayDeque<ServedSequence> queue = new ArrayDeque<>();
    /** Guarded by {@link #lock}. */
    private boolean closing;
    /** Slot -> running sequence; touched only by the decode thread. */
    private final ServedSequence[] running;
    private final Thread decodeThread;

    private final AtomicLong nextId = new AtomicLong(1);
    private final AtomicInteger active = new AtomicInteger();
    private final AtomicLong tokensGenerated = new AtomicLong();
    private final AtomicLong promptTokensRead = new AtomicLong();
    private final AtomicLong steps = new AtomicLong();
    private final AtomicLong rejected = new AtomicLong();
    private final AtomicInteger largestBatch = new AtomicInteger();
    /** Moving average of a request's time from start to end, for the retry-after hint. */
    private volatile double averageRequestSeconds = 1.0;

    /**
     * An engine over {@code model} (the base, without an adapter merged in), taking adapters from {@code adapters}
     * (null: base model only, every adapter request is ENGINE_UNKNOWN_ADAPTER). Call {@link #start} to begin decoding.
     */
    public ServingEngine(LanguageModel model, AdapterCache adapters, ServingConfig config) {
        this.model = model;
        this.adapters = adapters != null ? adapters : new AdapterCache(model.weights().config(), 0, key -> {
            throw new EngineException.UnknownAdapter("this engine serves the base model only; it has no adapter '" + key + "'");
        });
        this.config = config;
        int modelContext = model.weights().config().maxSeqLen();
        this.context = config.contextTokens() == 0 ? modelContext : Math.min(modelContext, config.contextTokens());
        this.vocab = model.weights().config().vocabSize();
        this.decoder = new KvCacheDecoder(model.weights(), config.slots(), context);
        this.running = new ServedSequence[config.slots()];
        this.decodeThread = new Thread(this::decodeLoop, "refinery-serving-decode");
        this.decodeThread.setDaemon(true);
    }

    /** Starts the decode thread. Requests submitted before wait in the queue (a test can line up a whole batch). */
    public void start() {
        decodeThread.start();
    }

    /**
     * Queues a request and returns at once. Fails, without queueing, with ENGINE_QUEUE_FULL (carrying a retry-after
     * hint) when the queue is full, ENGINE_CONTEXT_TOO_LONG when the prompt plus max tokens exceed the model's context,
     * ENGINE_UNKNOWN_ADAPTER / ENGINE_ADAPTER_BASE_MISMATCH / ENGINE_SHAPE_MISMATCH for an adapter that cannot be
     * loaded, ENGINE_INVALID_CHAT for messages the template refuses. The adapter is loaded here, on the caller's
     * thread, and held until the request ends.
     */
    public RequestHandle submit(ServingRequest request, TokenListener listener) {
        int[] prompt = render(request.prompt());
        GenerationOptions options = withTemplateStops(request);
        if (prompt.length == 0) {
            throw new EngineException.InvalidArgument("the prompt is empty: it must hold at least one token (e.g. BOS)");
        }
        int modelContext = model.weights().config().maxSeqLen();
        if ((long) prompt.length + options.maxTokens() > context) {
            throw new EngineException.ContextTooLong("the prompt has " + prompt.length + " tokens and max_tokens is " + options.maxTokens()
                    + ": " + (prompt.length + options.maxTokens()) + " tokens do not fit "
                    + (context < modelContext ? "the context of " + context + " tokens this engine gives each sequence (the model's is "
                    + modelContext + ")" : "the model's context of " + context + " tokens"));
        }
        // Checked here rather than by the decoder, which would fail every sequence of the step this one joined.
        for (int i = 0; i < prompt.length; i++) {
            if (prompt[i] < 0 || prompt[i] >= vocab) {
                throw new EngineException.InvalidArgument("prompt token " + i + " is " + prompt[i] + ", outside the vocabulary of "
                        + vocab + " tokens");
            }
        }
        requireRoom();
        AdapterCache.Lease lease = request.adapter() == null ? null : adapters.acquire(request.adapter());
        ServedSequence seq = new ServedSequence(nextId.getAndIncrement(), this, prompt, options, lease,
                new StreamingText(model.tokenizer(), request.stopStrings()), listener == null ? TokenListener.NONE : listener);
        lock.lock();
        try {
            if (closing || queue.size() >= config.queueCapacity()) {
                if (lease != null) {
                    lease.close();
                }
                requireRoom();
            }
            queue.addLast(seq);
            workArrived.signal();
        } finally {
            lock.unlock();
        }
        return seq;
    }

    private int[] render(ServingRequest.Prompt prompt) {
        if (prompt instanceof ServingRequest.Prompt.Chat chat) {
            return model.template().encodePrompt(chat.messages());
        }
        if (prompt instanceof ServingRequest.Prompt.Text text) {
            return withBos(model.tokenizer().encode(text.text()));
        }
        return ((ServingRequest.Prompt.Tokens) prompt).ids().clone();
    }

    private int[] withBos(int[] ids) {
        int bos = model.tokenizer().bosId();
        if (bos < 0) {
            return ids;
        }
        int[] out = new int[ids.length + 1];
        out[0] = bos;
        System.arraycopy(ids, 0, out, 1, ids.length);
        return out;
    }

    /**
     * A chat reply ends at its template's end-of-turn tokens, and a text continuation at the end-of-text token, whatever
     * other stops the caller adds.
     */
    private GenerationOptions withTemplateStops(ServingRequest request) {
        GenerationOptions o = request.options();
        if (request.prompt() instanceof ServingRequest.Prompt.Tokens) {
            return o;
        }
        int eos = model.tokenizer().eosId();
        int[] template = request.prompt() instanceof ServingRequest.Prompt.Chat ? model.template().stopTokenIds()
                : eos >= 0 ? new int[] {eos} : new int[0];
        int[] all = Arrays.copyOf(o.stopTokens(), o.stopTokens().length + template.length);
        System.arraycopy(template, 0, all, o.stopTokens().length, template.length);
        return o.withStopTokens(all);
    }

    private void requireRoom() {
        lock.lock();
        try {
            if (closing) {
                throw new EngineException.EngineClosed("the serving engine is closed");
            }
            if (queue.size() >= config.queueCapacity()) {
                rejected.incrementAndGet();
                throw new EngineException.QueueFull("the request queue is full (" + config.queueCapacity() + " waiting, "
                        + active.get() + " running)", retryAfter(queue.size()));
            }
        } finally {
            lock.unlock();
        }
    }

    /** How long until the queue has moved by one place: the queued requests ahead, a slot's worth at a time. */
    private Duration retryAfter(int queued) {
        double rounds = (double) queued / config.slots() + 1;
        return Duration.ofSeconds(Math.max(1, (long) Math.ceil(rounds * averageRequestSeconds)));
    }

    /** A queued request leaves the queue at once; a running one is noticed by the decode thread at the next step. */
    void cancelQueued(ServedSequence seq) {
        boolean removed;
        lock.lock();
        try {
            removed = queue.remove(seq);
            workArrived.signal();
        } finally {
            lock.unlock();
        }
        if (removed) {
            seq.finish(FinishReason.CANCELLED);
        }
    }

    private void decodeLoop() {
        try {
            while (admit()) {
                dropCancelled();
                if (active.get() > 0) {
                    step();
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            for (int s = 0; s < running.length; s++) {
                if (running[s] != null) {
                    leave(s, FinishReason.CANCELLED);
                }
            }
        }
    }

    /** Moves queued requests into free slots, waiting while there is nothing to do; false once the engine closes. */
    private boolean admit() throws InterruptedException {
        lock.lock();
        try {
            while (true) {
                if (closing) {
                    return false;
                }
                for (int s = 0; s < running.length && !queue.isEmpty(); s++) {
                    if (running[s] == null) {
                        ServedSequence seq = queue.pollFirst();
                        seq.slot = s;
                        decoder.reset(s);
                        running[s] = seq;
                        active.incrementAndGet();
                    }
                }
                if (active.get() > 0) {
                    return true;
                }
                workArrived.await();
            }
        } finally {
            lock.unlock();
        }
    }

    private void dropCancelled() {
        for (int s = 0; s < running.length; s++) {
            if (running[s] != null && running[s].cancelRequested()) {
                leave(s, FinishReason.CANCELLED);
            }
        }
    }

    /**
     * One decode step: every sequence past its prompt feeds its last token, then sequences still reading their prompt
     * feed as much of it as the step has room for. Rows of one sequence are consecutive, as the decoder needs.
     */
    private void step() {
        int budget = config.maxStepTokens();
        int rows = 0;
        int[] slotIds = new int[budget];
        int[] tokens = new int[budget];
        LoraDelta[] deltas = new LoraDelta[budget];
        int[] firstRow = new int[running.length];
        int[] lastRow = new int[running.length];
        Arrays.fill(lastRow, -1);
        for (int pass = 0; pass < 2; pass++) {
            for (int s = 0; s < running.length; s++) {
                ServedSequence seq = running[s];
                if (seq == null || seq.readingPrompt() == (pass == 0)) {
                    continue;
                }
                int take = pass == 0 ? 1 : Math.min(seq.prompt.length - seq.fed, budget - rows);
                firstRow[s] = rows;
                for (int t = 0; t < take; t++) {
                    slotIds[rows] = s;
                    tokens[rows] = pass == 0 ? seq.lastToken() : seq.prompt[seq.fed + t];
                    deltas[rows] = seq.delta();
                    lastRow[s] = rows++;
                }
            }
        }
        int sequences = 0;
        for (int r : lastRow) {
            sequences += r >= 0 ? 1 : 0;
        }
        float[] logits;
        try {
            logits = decoder.step(Arrays.copyOf(slotIds, rows), Arrays.copyOf(tokens, rows), Arrays.copyOf(deltas, rows));
        } catch (RuntimeException e) {
            LOG.log(Level.SEVERE, "a decode step failed; failing its " + sequences + " sequences", e);
            for (int s = 0; s < running.length; s++) {
                if (lastRow[s] >= 0) {
                    running[s].fail(e);
                    free(s);
                }
            }
            return;
        }
        steps.incrementAndGet();
        largestBatch.accumulateAndGet(sequences, Math::max);
        for (int s = 0; s < running.length; s++) {
            ServedSequence seq = running[s];
            if (lastRow[s] < 0) {
                continue;
            }
            if (seq.readingPrompt()) {
                int read = lastRow[s] + 1 - firstRow[s];
                seq.fed += read;
                promptTokensRead.addAndGet(read);
                if (seq.readingPrompt()) {
                    continue;
                }
            }
            int before = seq.generatedCount();
            FinishReason end;
            try {
                end = seq.accept(Arrays.copyOfRange(logits, lastRow[s] * vocab, (lastRow[s] + 1) * vocab));
            } catch (RuntimeException e) {
                LOG.log(Level.SEVERE, "request " + seq.id() + " failed after a decode step", e);
                seq.fail(e);
                free(s);
                continue;
            }
            tokensGenerated.addAndGet(seq.generatedCount() - before);
            if (end != null) {
                leave(s, end);
            }
        }
    }

    private void leave(int slot, FinishReason reason) {
        ServedSequence seq = running[slot];
        free(slot);
        seq.finish(reason);
        if (seq.result().isDone() && !seq.result().isCompletedExceptionally()) {
            double seconds = seq.result().join().duration().toNanos() / 1e9;
            averageRequestSeconds = 0.8 * averageRequestSeconds + 0.2 * seconds;
        }
    }

    private void free(int slot) {
        running[slot].slot = -1;
        running[slot] = null;
        active.decrementAndGet();
    }

    /**
     * Stops the decode thread after its current step and cancels every queued and running request (their results
     * finish CANCELLED). Further submissions fail. Waits for the thread to end.
     */
    @Override
    public void close() {
        List<ServedSequence> queued;
        lock.lock();
        try {
            if (closing) {
                return;
            }
            closing = true;
            queued = new ArrayList<>(queue);
            queue.clear();
            workArrived.signalAll();
        } finally {
            lock.unlock();
        }
        for (ServedSequence seq : queued) {
            seq.finish(FinishReason.CANCELLED);
        }
        // From a listener (on the decode thread) the loop ends by itself after this step: joining would wait forever.
        if (decodeThread.isAlive() && Thread.currentThread() != decodeThread) {
            try {
                decodeThread.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** Requests waiting for a slot. */
    public int queueDepth() {
        lock.lock();
        try {
            return queue.size();
        } finally {
            lock.unlock();
        }
    }

    /** Sequences in slots (reading their prompt or generating). */
    public int activeSequences() {
        return active.get();
    }

    public int adaptersLoaded() {
        return adapters.loadedCount();
    }

    public long adapterBytes() {
        return adapters.loadedBytes();
    }

    /** Tokens generated since the engine started, all requests together. */
    public long tokensGenerated() {
        return tokensGenerated.get();
    }

    /** Prompt tokens read into KV caches since the engine started. */
    public long promptTokensRead() {
        return promptTokensRead.get();
    }

    public long stepsRun() {
        return steps.get();
    }

    /** Submissions refused because the queue was full. */
    public long requestsRejected() {
        return rejected.get();
    }

    /** The most sequences one decode step has carried: how far batching went. */
    public int largestBatch() {
        return largestBatch.get();
    }

    public ServingConfig config() {
        return config;
    }

    /** Tokens one sequence may hold, prompt and completion together (the model's context, or less per {@link ServingConfig}). */
    public int contextTokens() {
        return context;
    }

    /** Tokens {@code prompt} takes once rendered as {@link #submit} renders it (a chat with the model's template). */
    public int promptTokens(ServingRequest.Prompt prompt) {
        return render(prompt).length;
    }

    /** The model this engine serves. */
    public LanguageModel model() {
        return model;
    }

    public AdapterCache adapters() {
        return adapters;
    }
}
