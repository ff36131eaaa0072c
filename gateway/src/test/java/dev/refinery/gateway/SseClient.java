package dev.refinery.gateway;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.stream.Stream;

/**
 * A server-sent-events client for tests: the JDK HTTP client and a line reader. Collects the
 * stream's comments and events on a background thread; the test waits for them with timeouts.
 */
final class SseClient implements AutoCloseable {

    /** One SSE event (comments are reported with name ":comment" and the comment text as data). */
    record Event(String name, String id, String data) {
    }

    private final BlockingQueue<Event> events = new LinkedBlockingQueue<>();
    private final java.util.List<String> unknownLines = new java.util.concurrent.CopyOnWriteArrayList<>();
    private final CompletableFuture<HttpResponse<Stream<String>>> response;
    private volatile Stream<String> lines;

    private SseClient(URI uri) {
        // As the deployment's admin (project default): a live client sees its own project's events only.
        HttpRequest request = HttpRequest.newBuilder(uri).header("Accept", "text/event-stream")
                .header("Authorization", "Bearer " + dev.refinery.testing.TestIdentity.bootstrapKey().orElseThrow()).GET().build();
        response = HttpClient.newHttpClient().sendAsync(request, HttpResponse.BodyHandlers.ofLines());
        Thread reader = new Thread(() -> read(response.join().body()), "sse-test-client");
        reader.setDaemon(true);
        reader.start();
    }

    /** Connects and waits for the gateway's ': connected' comment, after which every event reaches this client. */
    static SseClient connect(URI uri) {
        SseClient client = new SseClient(uri);
        client.await(e -> e.name().equals(":comment") && e.data().equals("connected"), Duration.ofSeconds(20),
                "the ': connected' comment that opens the stream");
        return client;
    }

    int status() {
        return response.join().statusCode();
    }

    String contentType() {
        return response.join().headers().firstValue("Content-Type").orElse("");
    }

    private void read(Stream<String> body) {
        lines = body;
        String name = null;
        String id = null;
        StringBuilder data = null;
        try {
            for (String line : (Iterable<String>) body::iterator) {
                if (line.isEmpty()) {
                    if (data != null) {
                        events.add(new Event(name == null ? "message" : name, id, data.toString()));
                    }
                    name = null;
                    id = null;
                    data = null;
                } else if (line.startsWith(":")) {
                    events.add(new Event(":comment", null, value(line.substring(1))));
                } else if (line.startsWith("event:")) {
                    name = value(line.substring(6));
                } else if (line.startsWith("id:")) {
                    id = value(line.substring(3));
                } else if (line.startsWith("data:")) {
                    data = data == null ? new StringBuilder() : data.append('\n');
                    data.append(value(line.substring(5)));
                } else {
                    unknownLines.add(line);
                }
            }
            events.add(new Event(":end", null, ""));
        } catch (RuntimeException e) {
            events.add(new Event(":end", null, String.valueOf(e)));
        }
    }

    /** Lines that are no SSE field of the standard (event, id, data, retry, comments). */
    java.util.List<String> unknownLines() {
        return unknownLines;
    }

    private static String value(String field) {
        return field.startsWith(" ") ? field.substring(1) : field;
    }

    /** The next event matching {@code match} (skipping others); fails after {@code timeout}. */
    Event await(Predicate<Event> match, Duration timeout, String what) {
        Event e = poll(match, timeout);
        if (e == null) {
            throw new AssertionError("no " + what + " within " + timeout);
        }
        return e;
    }

    /** The next event matching {@code match} (skipping others), or null after {@code timeout}. */
    Event poll(Predicate<Event> match, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        try {
            while (true) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return null;
                }
                Event e = events.poll(left, TimeUnit.NANOSECONDS);
                if (e != null && match.test(e)) {
                    return e;
                }
            }
        } catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
            return null;
        }
    }

    /** The next pipeline event (not a comment), or null after {@code timeout}. */
    Event nextEvent(Duration timeout) {
        return poll(e -> !e.name().startsWith(":"), timeout);
    }

    @Override
    public void close() {
        response.cancel(true);
        Stream<String> l = lines;
        if (l != null) {
            l.close();
        }
    }
}
