package dev.refinery.inference.rest;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.refinery.engine.generate.GenerationResult;
import dev.refinery.engine.serve.RequestHandle;
import dev.refinery.engine.serve.ServingResult;
import dev.refinery.engine.serve.TokenListener;
import dev.refinery.inference.openai.StreamFormat;
import dev.refinery.inference.openai.ErrorBody;
import dev.refinery.inference.openai.OpenAiException;
import dev.refinery.inference.openai.Usage;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * One streamed answer, from the engine's decode thread to the client's connection: the listener only queues (the decode
 * thread must never wait on a network), and the request's thread writes the queue out as server-sent events in one of
 * OpenAI's formats ({@link StreamFormat}), ending with {@code data: [DONE]}. A write that fails means the client went away: the request is cancelled,
 * which frees its slot at the engine's next step. While nothing comes (a request waiting for a slot) a comment line every
 * few seconds finds out whether the client is still there.
 */
final class StreamRelay implements TokenListener {

    private static final long KEEP_ALIVE_SECONDS = 5;

    private sealed interface Event {
    }

    private record Delta(String text) implements Event {
    }

    private record Finish(String lastText, ServingResult result) implements Event {
    }

    private final BlockingQueue<Event> events = new LinkedBlockingQueue<>();

    @Override
    public void onToken(int tokenId, String textDelta) {
        if (!textDelta.isEmpty()) {
            events.add(new Delta(textDelta));
        }
    }

    @Override
    public void onFinish(String lastTextDelta, ServingResult result) {
        events.add(new Finish(lastTextDelta, result));
    }

    /**
     * Writes the whole stream; returns when the answer ended or the client left.
     *
     * @param onEnd told of the result once it ended (not when the client left)
     */
    void writeTo(OutputStream out, StreamFormat format, RequestHandle handle, ObjectMapper json, String id, long created, String model,
                 boolean includeUsage, Consumer<ServingResult> onEnd) {
        try {
            Optional<Object> opening = format.opening(id, created, model);
            if (opening.isPresent()) {
                send(out, json, opening.get());
            }
            while (true) {
                Event e = events.poll(KEEP_ALIVE_SECONDS, TimeUnit.SECONDS);
                if (e == null) {
                    out.write(": waiting for the model\n\n".getBytes(StandardCharsets.UTF_8));
                    out.flush();
                } else if (e instanceof Delta d) {
                    send(out, json, format.piece(id, created, model, d.text()));
                } else if (e instanceof Finish f) {
                    finish(out, format, json, f, id, created, model, includeUsage);
                    onEnd.accept(f.result());
                    return;
                }
            }
        } catch (IOException e) {
            handle.cancel(); // the client went away
        } catch (InterruptedException e) {
            handle.cancel();
            Thread.currentThread().interrupt();
        }
    }

    private static void finish(OutputStream out, StreamFormat format, ObjectMapper json, Finish f, String id, long created, String model,
                               boolean includeUsage) throws IOException {
        if (!f.lastText().isEmpty()) {
            send(out, json, format.piece(id, created, model, f.lastText()));
        }
        ServingResult r = f.result();
        if (r.finish() == GenerationResult.FinishReason.CANCELLED) {
            OpenAiException gone = OpenAiException.engineStopped();
            sendData(out, json.writeValueAsString(ErrorBody.of(gone)));
        } else {
            send(out, json, format.finish(id, created, model, CompletionAnswers.finishReason(r)));
            if (includeUsage) {
                send(out, json, format.usage(id, created, model, Usage.of(r.promptTokens(), r.completionTokens())));
            }
        }
        sendData(out, "[DONE]");
    }

    private static void send(OutputStream out, ObjectMapper json, Object chunk) throws IOException {
        try {
            sendData(out, json.writeValueAsString(chunk));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a chunk cannot be written as JSON", e);
        }
    }

    private static void sendData(OutputStream out, String data) throws IOException {
        out.write(("data: " + data + "\n\n").getBytes(StandardCharsets.UTF_8));
        out.flush();
    }
}
