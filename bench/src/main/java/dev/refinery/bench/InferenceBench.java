package dev.refinery.bench;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.refinery.catalog.ModelCatalog;
import dev.refinery.engine.chat.ChatMessage;
import dev.refinery.eval.inference.Decoding;
import dev.refinery.eval.inference.Endpoint;
import dev.refinery.eval.inference.InferenceClient;
import dev.refinery.eval.inference.InferenceSettings;
import dev.refinery.eval.inference.OutputCache;
import dev.refinery.eval.inference.ProviderKind;
import dev.refinery.eval.inference.ServingCutoffs;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * eval-service's inference client against a local chat-completions stand-in that answers every request after a
 * fixed latency (an LLM endpoint's time to answer, not its throughput): wall time of one call for all prompts at 1,
 * 8 and 32 requests in flight, and the speed-up over one at a time. A last row refuses every tenth prompt once with
 * 429 and {@code retry-after-ms} and checks that no answer is lost, doubled or out of order.
 *
 * <pre>java -cp bench/target/classes:$(cat bench/target/classpath.txt) dev.refinery.bench.InferenceBench [prompts] [latencyMs]</pre>
 */
public final class InferenceBench {

    private static final Pattern QUESTION = Pattern.compile("\"question (\\d+)\"");

    /** The stand-in: answers "answer i" to "question i" after the latency; refuses chosen prompts once first. */
    static final class Stub implements AutoCloseable {
        final HttpServer server;
        final ExecutorService handlers = Executors.newCachedThreadPool(task -> {
            Thread thread = new Thread(task, "stub");
            thread.setDaemon(true);
            return thread;
        });
        final AtomicInteger requests = new AtomicInteger();
        final Map<Integer, AtomicInteger> perQuestion = new ConcurrentHashMap<>();
        volatile int refuseEvery = 0;

        Stub(int latencyMs) throws IOException {
            server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 256);
            server.setExecutor(handlers);
            server.createContext("/v1/chat/completions", exchange -> {
                try (exchange) {
                    String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
                    Matcher m = QUESTION.matcher(body);
                    int question = m.find() ? Integer.parseInt(m.group(1)) : -1;
                    requests.incrementAndGet();
                    int seen = perQuestion.computeIfAbsent(question, q -> new AtomicInteger()).incrementAndGet();
                    Thread.sleep(latencyMs);
                    if (refuseEvery > 0 && question % refuseEvery == 0 && seen == 1) {
                        reply(exchange, 429, "{\"error\":{\"message\":\"Rate limit reached\",\"type\":\"rate_limit_exceeded\",\"param\":null,\"code\":null}}",
                                "retry-after-ms", String.valueOf(latencyMs));
                    } else {
                        reply(exchange, 200, "{\"id\":\"c\",\"object\":\"chat.completion\",\"model\":\"bench\",\"choices\":[{\"index\":0,"
                                + "\"message\":{\"role\":\"assistant\",\"content\":\"answer " + question + "\"},\"finish_reason\":\"stop\"}]}",
                                null, null);
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
            server.start();
        }

        private static void reply(HttpExchange exchange, int status, String json, String header, String value) throws IOException {
            byte[] bytes = json.getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            if (header != null) {
                exchange.getResponseHeaders().add(header, value);
            }
            exchange.sendResponseHeaders(status, bytes.length);
            exchange.getResponseBody().write(bytes);
        }

        String baseUrl() {
            return "http://127.0.0.1:" + server.getAddress().getPort() + "/v1";
        }

        void reset(int refuseEvery) {
            requests.set(0);
            perQuestion.clear();
            this.refuseEvery = refuseEvery;
        }

        @Override
        public void close() {
            server.stop(0);
            handlers.shutdownNow();
        }
    }

    record Row(String label, int inFlight, int requests, double seconds, boolean complete) {
    }

    public static void main(String[] args) throws Exception {
        int prompts = args.length > 0 ? Integer.parseInt(args[0]) : 200;
        int latencyMs = args.length > 1 ? Integer.parseInt(args[1]) : 200;
        System.out.println("# " + Machine.describe());
        System.out.println("# " + prompts + " prompts, stub latency " + latencyMs + " ms per request, one call per row, no cache");

        List<List<ChatMessage>> questions = new ArrayList<>();
        for (int i = 0; i < prompts; i++) {
            questions.add(List.of(ChatMessage.system("Answer briefly."), ChatMessage.user("question " + i)));
        }
        try (Stub stub = new Stub(latencyMs)) {
            Endpoint endpoint = new Endpoint(ProviderKind.OPENAI_COMPATIBLE, stub.baseUrl(), "bench-model", null);
            // Warm-up: connections, JIT, the stub's threads.
            run(stub, endpoint, questions.subList(0, Math.min(64, prompts)), 32, 0, "warm-up");

            List<Row> rows = new ArrayList<>();
            for (int inFlight : new int[] {1, 8, 32}) {
                rows.add(run(stub, endpoint, questions, inFlight, 0, "plain"));
            }
            rows.add(run(stub, endpoint, questions, 32, 10, "every 10th: one 429"));
            double oneAtATime = rows.get(0).seconds();
            System.out.printf("%-22s %9s %8s %9s %10s %10s  %s%n", "case", "in flight", "requests", "wall s", "prompts/s", "speed-up",
                    "all answers, in order");
            for (Row row : rows) {
                System.out.printf("%-22s %9d %8d %9.2f %10.1f %9.1fx  %s%n", row.label(), row.inFlight(), row.requests(), row.seconds(),
                        prompts / row.seconds(), oneAtATime / row.seconds(), row.complete() ? "yes" : "NO");
            }
        }
    }

    private static Row run(Stub stub, Endpoint endpoint, List<List<ChatMessage>> questions, int inFlight, int refuseEvery,
                           String label) throws InterruptedException {
        stub.reset(refuseEvery);
        InferenceClient client = new InferenceClient(InferenceSettings.defaults().withMaxInFlight(inFlight), OutputCache.NONE,
                ServingCutoffs.from(ModelCatalog.load(), Clock.systemUTC()), Clock.systemUTC());
        long start = System.nanoTime();
        List<String> answers = client.answerAll("bench", endpoint, questions, Decoding.greedy(16));
        double seconds = (System.nanoTime() - start) / 1e9;
        boolean complete = answers.size() == questions.size();
        for (int i = 0; complete && i < answers.size(); i++) {
            complete = ("answer " + i).equals(answers.get(i))
                    && stub.perQuestion.get(i).get() == (refuseEvery > 0 && i % refuseEvery == 0 ? 2 : 1);
        }
        return new Row(label, inFlight, stub.requests.get(), seconds, complete);
    }
}
