package dev.refinery.eval.inference;

import com.sun.net.httpserver.HttpExchange;
import dev.refinery.catalog.ModelCatalog;
import com.sun.net.httpserver.HttpServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The endpoint counts the requests it holds at once. The first {@code limit} requests are held until all of them have
 * arrived (or 20 s pass), so that the limit is reached however slow the machine; any request beyond the limit would
 * arrive while they are held and push the count above it. No duration is asserted.
 */
class ConcurrencyLimitTest {

    private static final Pattern QUESTION = Pattern.compile("\"question (\\d+)\"");

    private HttpServer server;
    private ExecutorService handlers;

    @AfterEach
    void stop() {
        server.stop(0);
        handlers.shutdownNow();
    }

    @Test
    void neverMoreRequestsInFlightThanTheLimitAndTheLimitIsReached() throws Exception {
        int limit = 6;
        int prompts = 40;
        AtomicInteger inFlight = new AtomicInteger();
        AtomicInteger mostInFlight = new AtomicInteger();
        AtomicInteger received = new AtomicInteger();
        CountDownLatch firstWave = new CountDownLatch(limit);
        handlers = Executors.newCachedThreadPool();
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 100);
        server.setExecutor(handlers);
        server.createContext("/v1/chat/completions", exchange -> {
            int now = inFlight.incrementAndGet();
            mostInFlight.accumulateAndGet(now, Math::max);
            try {
                String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
                if (received.incrementAndGet() <= limit) {
                    firstWave.countDown();
                    firstWave.await(20, TimeUnit.SECONDS);
                } else {
                    Thread.sleep(5); // lets later requests overlap, so that a client over its limit would show it
                }
                Matcher question = QUESTION.matcher(body);
                question.find();
                answer(exchange, "answer " + question.group(1));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } finally {
                inFlight.decrementAndGet();
                exchange.close();
            }
        });
        server.start();
        Endpoint endpoint = new Endpoint(ProviderKind.OPENAI_COMPATIBLE,
                "http://127.0.0.1:" + server.getAddress().getPort() + "/v1", "local-model", null);
        InferenceClient client = new InferenceClient(InferenceSettings.defaults().withMaxInFlight(limit), OutputCache.NONE,
                ServingCutoffs.from(ModelCatalog.load(), Clock.systemUTC()), Clock.systemUTC());

        List<String> answers = client.answerAll("tenant-a", endpoint, ChatStubs.questions(prompts), Decoding.greedy(8));

        assertEquals(limit, mostInFlight.get(), "requests held by the endpoint at once");
        assertEquals(prompts, received.get(), "one request per prompt");
        for (int i = 0; i < prompts; i++) {
            assertEquals("answer " + i, answers.get(i));
        }
    }

    private static void answer(HttpExchange exchange, String content) throws IOException {
        byte[] body = ("{\"id\":\"c\",\"object\":\"chat.completion\",\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\","
                + "\"content\":\"" + content + "\"},\"finish_reason\":\"stop\"}]}").getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().add("Content-Type", "application/json");
        exchange.sendResponseHeaders(200, body.length);
        exchange.getResponseBody().write(body);
    }
}
