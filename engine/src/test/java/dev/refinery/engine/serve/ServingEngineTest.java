package dev.refinery.engine.serve;

import dev.refinery.engine.EngineException;
import dev.refinery.engine.LanguageModel;
import dev.refinery.engine.chat.ChatMessage;
import dev.refinery.engine.generate.GenerationOptions;
import dev.refinery.engine.generate.GenerationResult;
import dev.refinery.engine.generate.GenerationResult.FinishReason;
import dev.refinery.engine.generate.Generator;
import dev.refinery.engine.io.LoraMerger;
import dev.refinery.engine.lora.LoraAdapter;
import dev.refinery.engine.lora.LoraConfig;
import dev.refinery.engine.model.Projection;
import dev.refinery.engine.model.Tensor;
import dev.refinery.engine.testing.TestModels;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The serving engine on the real stories260K: adapters served per row in one batch give what each adapter gives
 * merged and alone, and the request lifecycle (stop strings, max tokens, cancellation, a full queue, the context
 * check, seeded sampling) behaves as a service relies on.
 */
class ServingEngineTest {

    private static LanguageModel model;
    private static int bos;

    @BeforeAll
    static void load() {
        model = LanguageModel.load(TestModels.stories260kDir());
        bos = model.tokenizer().bosId();
    }

    /**
     * An adapter that changes the model: PEFT's initialisation (B = 0 leaves the base unchanged) with B then drawn at
     * random, so each seed gives its own answers.
     */
    static LoraAdapter randomAdapter(long seed) {
        LoraConfig config = new LoraConfig(4, 8f, 0f, LoraConfig.allLinear());
        LoraAdapter adapter = LoraAdapter.initialise(config, model.weights().config(), seed);
        SplittableRandom rnd = new SplittableRandom(seed * 31 + 7);
        for (int layer = 0; layer < model.weights().config().nLayers(); layer++) {
            for (Projection p : Projection.values()) {
                Tensor b = adapter.b(layer, p);
                for (int i = 0; i < b.size(); i++) {
                    b.data()[i] = (float) ((rnd.nextDouble() * 2 - 1) * 0.2);
                }
            }
        }
        return adapter;
    }

    private static AdapterCache cacheOf(Map<String, LoraAdapter> adapters) {
        return new AdapterCache(model.weights().config(), 64L << 20, key -> {
            LoraAdapter a = adapters.get(key);
            if (a == null) {
                throw new EngineException.UnknownAdapter("no adapter '" + key + "'");
            }
            return a;
        });
    }

    private static ServingEngine engine(ServingConfig config) {
        return new ServingEngine(model, cacheOf(Map.of()), config);
    }

    @Test
    void eightAdaptersSentAtOnceAreDecodedInOneBatchAndEachAnswersAsItsMergedModelAlone() {
        String[] prompts = {"Once upon a time", "Tom had a big red ball", "The sun was hot", "Lily saw a cat",
            "One day, a little bird named Sue wanted to fly", "The dog", "Mom made a cake", "Ben and Max went to the park"};
        Map<String, LoraAdapter> adapters = new HashMap<>();
        for (int i = 0; i < 8; i++) {
            adapters.put("adapter-" + i, randomAdapter(100 + i));
        }
        GenerationOptions greedy = GenerationOptions.greedy(40);
        List<RequestHandle> handles = new ArrayList<>();
        List<StringBuilder> streamed = new ArrayList<>();
        try (ServingEngine engine = new ServingEngine(model, cacheOf(adapters), new ServingConfig(8, 8, 256))) {
            // Queued before the decode thread starts, so that the first step takes all eight.
            for (int i = 0; i < 8; i++) {
                StringBuilder sb = new StringBuilder();
                streamed.add(sb);
                handles.add(engine.submit(ServingRequest.chat("adapter-" + i, List.of(ChatMessage.user(prompts[i])), greedy),
                        new TokenListener() {
                            @Override
                            public void onToken(int tokenId, String textDelta) {
                                sb.append(textDelta);
                            }

                            @Override
                            public void onFinish(String lastTextDelta, ServingResult result) {
                                sb.append(lastTextDelta);
                            }
                        }));
            }
            assertEquals(8, engine.adaptersLoaded());
            engine.start();
            Set<String> distinct = new HashSet<>();
            for (int i = 0; i < 8; i++) {
                ServingResult served = handles.get(i).result().join();
                List<ChatMessage> conversation = List.of(ChatMessage.user(prompts[i]));
                LanguageModel merged = model.withAdapter(adapters.get("adapter-" + i));
                int[] prompt = model.template().encodePrompt(conversation);
                GenerationResult alone = new Generator(LoraMerger.merge(model.weights(), adapters.get("adapter-" + i)))
                        .generate(prompt, greedy.withStopTokens(model.template().stopTokenIds()));
                LanguageModel.Reply reply = merged.reply(conversation, greedy);

                assertEquals(Arrays.toString(alone.tokens()), Arrays.toString(served.tokens()), "adapter " + i);
                assertEquals(alone.finish(), served.finish(), "adapter " + i);
                assertEquals(reply.text(), served.text(), "adapter " + i);
                assertEquals(reply.promptTokens(), served.promptTokens());
                assertEquals(reply.tokens(), served.completionTokens());
                assertEquals(served.text(), streamed.get(i).toString(), "the stream adds up to the text");
                assertNotNull(served.timeToFirstToken());
                distinct.add(Arrays.toString(served.tokens()));
            }
            assertEquals(8, engine.largestBatch(), "all eight decoded in the same steps");
            assertTrue(distinct.size() >= 2, "the adapters must answer differently, or this test could not fail: " + distinct.size());
            assertEquals(0, engine.activeSequences());
        }
    }

    @Test
    void baseRowsAndAdapterRowsInOneBatchEachGetTheirOwnAnswer() {
        LoraAdapter adapter = randomAdapter(7);
        int[] prompt = withBos(model.tokenizer().encode("The cat"));
        GenerationOptions greedy = GenerationOptions.greedy(30);
        try (ServingEngine engine = new ServingEngine(model, cacheOf(Map.of("a", adapter)), new ServingConfig(4, 4, 64))) {
            RequestHandle base = engine.submit(ServingRequest.tokens(null, prompt, greedy), null);
            RequestHandle adapted = engine.submit(ServingRequest.tokens("a", prompt, greedy), null);
            engine.start();
            int[] expectedBase = new Generator(model.weights()).generate(prompt, greedy).tokens();
            int[] expectedAdapted = new Generator(LoraMerger.merge(model.weights(), adapter)).generate(prompt, greedy).tokens();
            assertEquals(Arrays.toString(expectedBase), Arrays.toString(base.result().join().tokens()));
            assertEquals(Arrays.toString(expectedAdapted), Arrays.toString(adapted.result().join().tokens()));
            assertNotEquals(Arrays.toString(expectedBase), Arrays.toString(expectedAdapted));
            assertEquals(2, engine.largestBatch());
        }
    }

    @Test
    void adaptersAreHeldWhileTheirRequestsRunAndEvictableOnceTheyEnd() throws Exception {
        Map<String, LoraAdapter> adapters = new HashMap<>();
        for (int i = 0; i < 4; i++) {
            adapters.put("a" + i, randomAdapter(200 + i));
        }
        long oneAdapter = dev.refinery.engine.generate.LoraDelta.of(adapters.get("a0"), model.weights().config()).bytes();
        AdapterCache cache = new AdapterCache(model.weights().config(), oneAdapter, adapters::get);
        try (ServingEngine engine = new ServingEngine(model, cache, new ServingConfig(4, 16, 64))) {
            engine.start();
            // Four clients, four adapters, a bound of one adapter: the cache is over its bound while requests overlap, and
            // back within it only if the engine released every lease.
            List<Thread> clients = new ArrayList<>();
            List<ServingResult> results = java.util.Collections.synchronizedList(new ArrayList<>());
            for (int i = 0; i < 4; i++) {
                String key = "a" + i;
                Thread t = new Thread(() -> {
                    for (int round = 0; round < 3; round++) {
                        results.add(engine.submit(ServingRequest.tokens(key, new int[] {bos}, GenerationOptions.greedy(20)), null)
                                .result().join());
                    }
                });
                clients.add(t);
                t.start();
            }
            for (Thread t : clients) {
                t.join(60_000);
            }
            assertEquals(12, results.size());
            results.forEach(r -> assertEquals(FinishReason.LENGTH, r.finish()));
            assertEquals(0, engine.activeSequences());
            assertEquals(1, engine.adaptersLoaded(), "every lease was released, so the cache is back within its bound");
            assertEquals(oneAdapter, engine.adapterBytes());
            assertEquals(240, engine.tokensGenerated());
        }
    }

    @Test
    void aStopStringEndsTheOutputBeforeItAndIsNeverStreamed() {
        // Greedy from BOS, stories260K writes "Once upon a time, there was a little girl named Lily. ..." (its README).
        StringBuilder streamed = new StringBuilder();
        try (ServingEngine engine = engine(ServingConfig.defaults())) {
            engine.start();
            ServingResult r = engine.submit(ServingRequest.tokens(null, new int[] {bos}, GenerationOptions.greedy(100), "Lily", "dragon"),
                    (id, text) -> streamed.append(text)).result().join();
            assertEquals("Once upon a time, there was a little girl named ", r.text());
            assertEquals(FinishReason.STOP, r.finish());
            assertEquals(r.text(), streamed.toString());
            assertTrue(model.tokenizer().decode(r.tokens()).contains("Lily"), "the tokens that spelled the stop string were generated");
        }
    }

    @Test
    void aTextPromptContinuesTheTextAsTheModelAloneDoes() {
        try (ServingEngine engine = engine(ServingConfig.defaults())) {
            engine.start();
            ServingResult r = engine.submit(ServingRequest.text(null, "Once upon a time, there was a dog", GenerationOptions.greedy(40)), null)
                    .result().join();
            assertEquals(model.continueText("Once upon a time, there was a dog", GenerationOptions.greedy(40)), r.text());
            assertEquals(1 + model.tokenizer().encode("Once upon a time, there was a dog").length, r.promptTokens(), "BOS, then the text");
        }
    }

    @Test
    void maxTokensEndsWithLengthAndReportsUsage() {
        try (ServingEngine engine = engine(ServingConfig.defaults())) {
            engine.start();
            ServingResult r = engine.submit(ServingRequest.tokens(null, withBos(model.tokenizer().encode("Once upon")),
                    GenerationOptions.greedy(5)), null).result().join();
            assertEquals(FinishReason.LENGTH, r.finish());
            assertEquals(5, r.completionTokens());
            assertEquals(5, r.tokens().length);
            assertEquals(3, r.promptTokens(), "BOS + 'Once upon'");
            assertEquals(8, r.totalTokens());
            assertTrue(r.timeToFirstToken().compareTo(r.duration()) <= 0);
            assertEquals(5, engine.tokensGenerated());
            assertEquals(3, engine.promptTokensRead());
        }
    }

    @Test
    void cancellingARunningRequestFreesItsSlotForTheQueuedOne() throws Exception {
        CountDownLatch firstToken = new CountDownLatch(1);
        try (ServingEngine engine = engine(new ServingConfig(1, 4, 16))) {
            engine.start();
            RequestHandle longOne = engine.submit(ServingRequest.tokens(null, new int[] {bos}, GenerationOptions.greedy(500)),
                    (id, text) -> firstToken.countDown());
            RequestHandle next = engine.submit(ServingRequest.tokens(null, new int[] {bos}, GenerationOptions.greedy(3)), null);
            RequestHandle queuedThenCancelled = engine.submit(ServingRequest.tokens(null, new int[] {bos}, GenerationOptions.greedy(3)), null);
            assertTrue(firstToken.await(30, TimeUnit.SECONDS));
            queuedThenCancelled.cancel();
            ServingResult dropped = queuedThenCancelled.result().get(5, TimeUnit.SECONDS);
            assertEquals(FinishReason.CANCELLED, dropped.finish());
            assertEquals(0, dropped.completionTokens());
            assertNull(dropped.timeToFirstToken());

            longOne.cancel();
            ServingResult cancelled = longOne.result().get(30, TimeUnit.SECONDS);
            assertEquals(FinishReason.CANCELLED, cancelled.finish());
            assertTrue(cancelled.completionTokens() < 500);
            assertEquals(FinishReason.LENGTH, next.result().get(30, TimeUnit.SECONDS).finish(), "the one slot went to the next request");
            waitUntil(() -> engine.activeSequences() == 0);
            assertEquals(0, engine.queueDepth());
        }
    }

    @Test
    void closingStopsTheDecodeThreadAndCancelsWhatIsRunning() throws Exception {
        CountDownLatch firstToken = new CountDownLatch(1);
        ServingEngine engine = engine(new ServingConfig(1, 4, 16));
        engine.start();
        RequestHandle running = engine.submit(ServingRequest.tokens(null, new int[] {bos}, GenerationOptions.greedy(500)),
                (id, text) -> firstToken.countDown());
        RequestHandle queued = engine.submit(ServingRequest.tokens(null, new int[] {bos}, GenerationOptions.greedy(5)), null);
        assertTrue(firstToken.await(30, TimeUnit.SECONDS));
        engine.close();
        assertEquals(FinishReason.CANCELLED, running.result().get(5, TimeUnit.SECONDS).finish());
        assertEquals(FinishReason.CANCELLED, queued.result().get(5, TimeUnit.SECONDS).finish());
        assertEquals(0, engine.activeSequences());
        assertFalse(Thread.getAllStackTraces().keySet().stream().anyMatch(t -> t.getName().equals("refinery-serving-decode") && t.isAlive()),
                "the decode thread ended");
    }

    @Test
    void aListenerThatThrowsIsTakenAsAClientGoneAndCancelled() {
        try (ServingEngine engine = engine(ServingConfig.defaults())) {
            engine.start();
            ServingResult r = engine.submit(ServingRequest.tokens(null, new int[] {bos}, GenerationOptions.greedy(50)), (id, text) -> {
                throw new IllegalStateException("connection reset");
            }).result().join();
            assertEquals(FinishReason.CANCELLED, r.finish());
            assertEquals(1, r.completionTokens());
        }
    }

    @Test
    void aFullQueueRefusesWithARetryAfterHint() {
        ServingEngine engine = engine(new ServingConfig(1, 2, 16));
        RequestHandle a = engine.submit(ServingRequest.tokens(null, new int[] {bos}, GenerationOptions.greedy(3)), null);
        RequestHandle b = engine.submit(ServingRequest.tokens(null, new int[] {bos}, GenerationOptions.greedy(3)), null);
        EngineException.QueueFull full = assertThrows(EngineException.QueueFull.class,
                () -> engine.submit(ServingRequest.tokens(null, new int[] {bos}, GenerationOptions.greedy(3)), null));
        assertEquals("ENGINE_QUEUE_FULL", full.code());
        assertTrue(full.retryAfter().compareTo(Duration.ofSeconds(1)) >= 0, full.retryAfter().toString());
        assertEquals(2, engine.queueDepth());
        assertEquals(1, engine.requestsRejected());

        engine.close();
        assertEquals(FinishReason.CANCELLED, a.result().join().finish());
        assertEquals(FinishReason.CANCELLED, b.result().join().finish());
        EngineException closed = assertThrows(EngineException.EngineClosed.class,
                () -> engine.submit(ServingRequest.tokens(null, new int[] {bos}, GenerationOptions.greedy(3)), null));
        assertEquals("ENGINE_CLOSED", closed.code());
    }

    @Test
    void aPromptThatWouldOverrunTheContextIsRefusedUpFrontNamingTheLimit() {
        try (ServingEngine engine = engine(ServingConfig.defaults())) {
            int[] prompt = new int[500];
            Arrays.fill(prompt, bos);
            EngineException.ContextTooLong e = assertThrows(EngineException.ContextTooLong.class,
                    () -> engine.submit(ServingRequest.tokens(null, prompt, GenerationOptions.greedy(100)), null));
            assertTrue(e.getMessage().contains("the model's context of 512 tokens"), e.getMessage());
            assertTrue(e.getMessage().contains("600"), e.getMessage());
            assertEquals(0, engine.queueDepth());
        }
        try (ServingEngine engine = engine(new ServingConfig(2, 2, 16, 64))) {
            EngineException.ContextTooLong e = assertThrows(EngineException.ContextTooLong.class,
                    () -> engine.submit(ServingRequest.tokens(null, new int[] {bos, bos, bos, bos, bos}, GenerationOptions.greedy(60)), null));
            assertTrue(e.getMessage().contains("context of 64 tokens this engine gives each sequence (the model's is 512)"), e.getMessage());
            engine.submit(ServingRequest.tokens(null, new int[] {bos, bos, bos, bos}, GenerationOptions.greedy(60)), null);
        }
    }

    @Test
    void aPromptTokenOutsideTheVocabularyIsRefusedAtSubmissionNotInTheBatch() {
        try (ServingEngine engine = engine(ServingConfig.defaults())) {
            EngineException.InvalidArgument e = assertThrows(EngineException.InvalidArgument.class,
                    () -> engine.submit(ServingRequest.tokens(null, new int[] {bos, 512}, GenerationOptions.greedy(3)), null));
            assertTrue(e.getMessage().contains("prompt token 1 is 512"), e.getMessage());
            assertEquals(0, engine.queueDepth());
        }
    }

    @Test
    void anUnknownAdapterIsRefusedAtSubmission() {
        try (ServingEngine engine = engine(ServingConfig.defaults());
             ServingEngine baseOnly = new ServingEngine(model, null, ServingConfig.defaults())) {
            assertThrows(EngineException.UnknownAdapter.class,
                    () -> engine.submit(ServingRequest.tokens("nope", new int[] {bos}, GenerationOptions.greedy(3)), null));
            assertThrows(EngineException.UnknownAdapter.class,
                    () -> baseOnly.submit(ServingRequest.tokens("any", new int[] {bos}, GenerationOptions.greedy(3)), null));
            assertEquals(0, engine.queueDepth());
        }
    }

    @Test
    void seededSamplingIsReproducibleInABatchAndMatchesTheGenerator() {
        GenerationOptions seven = new GenerationOptions(40, 0.9f, 0, 0.9f, 7L, new int[0]);
        GenerationOptions eight = new GenerationOptions(40, 0.9f, 0, 0.9f, 8L, new int[0]);
        try (ServingEngine engine = engine(ServingConfig.defaults())) {
            RequestHandle a = engine.submit(ServingRequest.tokens(null, new int[] {bos}, seven), null);
            RequestHandle b = engine.submit(ServingRequest.tokens(null, new int[] {bos}, seven), null);
            RequestHandle c = engine.submit(ServingRequest.tokens(null, new int[] {bos}, eight), null);
            engine.start();
            String first = Arrays.toString(a.result().join().tokens());
            assertEquals(first, Arrays.toString(b.result().join().tokens()));
            assertNotEquals(first, Arrays.toString(c.result().join().tokens()));
            assertEquals(Arrays.toString(new Generator(model.weights()).generate(new int[] {bos}, seven).tokens()), first);
        }
    }

    private static int[] withBos(int[] ids) {
        int[] p = new int[ids.length + 1];
        p[0] = bos;
        System.arraycopy(ids, 0, p, 1, ids.length);
        return p;
    }

    private static void waitUntil(java.util.function.BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!condition.getAsBoolean()) {
            assertFalse(System.nanoTime() > deadline, "timed out");
            Thread.sleep(5);
        }
    }
}
