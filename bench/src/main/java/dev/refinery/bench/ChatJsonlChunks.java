package dev.refinery.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.refinery.datasets.model.TextMessage;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads a chat-format JSONL file (as bench/make_chat_jsonl.py writes it) a chunk of records at a time,
 * so that a benchmark can time work on parsed records while holding only one chunk in memory, whatever
 * the file's size. Assistant turns are the trained ones.
 */
final class ChatJsonlChunks implements AutoCloseable {

    /** One chunk: its records and the file bytes they came from. */
    record Chunk(List<List<TextMessage>> records, long fileBytes) {
    }

    private static final ObjectMapper JSON = new ObjectMapper();

    private final BufferedReader reader;
    private final long chunkBytes;

    ChatJsonlChunks(Path file, long chunkBytes) throws IOException {
        this.reader = Files.newBufferedReader(file, StandardCharsets.UTF_8);
        this.chunkBytes = chunkBytes;
    }

    /** The next chunk, or null at the end of the file. */
    Chunk next() {
        List<List<TextMessage>> records = new ArrayList<>();
        long bytes = 0;
        try {
            String line;
            while (bytes < chunkBytes && (line = reader.readLine()) != null) {
                bytes += line.getBytes(StandardCharsets.UTF_8).length + 1;
                if (!line.isBlank()) {
                    records.add(parse(line));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return records.isEmpty() ? null : new Chunk(records, bytes);
    }

    static List<TextMessage> parse(String line) {
        try {
            List<TextMessage> turns = new ArrayList<>();
            for (JsonNode m : JSON.readTree(line).path("messages")) {
                String role = m.path("role").asText();
                turns.add(new TextMessage(role, m.path("content").asText(), role.equals("assistant")));
            }
            return turns;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() throws IOException {
        reader.close();
    }
}
