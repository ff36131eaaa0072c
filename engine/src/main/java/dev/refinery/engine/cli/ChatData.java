package dev.refinery.engine.cli;

import dev.refinery.engine.EngineException;
import dev.refinery.engine.chat.ChatJsonl;
import dev.refinery.engine.chat.ChatMessage;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Reads a chat JSONL file into conversations; blank lines are skipped, errors name the line. */
final class ChatData {

    private ChatData() {
    }

    static List<List<ChatMessage>> read(Path file) {
        List<List<ChatMessage>> out = new ArrayList<>();
        try (BufferedReader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            String line;
            int number = 0;
            while ((line = in.readLine()) != null) {
                number++;
                if (line.isBlank()) {
                    continue;
                }
                out.add(ChatJsonl.parseLine(line, number));
            }
        } catch (IOException e) {
            throw new EngineException.InputError("cannot read " + file + ": " + e.getMessage(), e);
        }
        if (out.isEmpty()) {
            throw new EngineException.InputError(file + " holds no conversations");
        }
        return out;
    }
}
