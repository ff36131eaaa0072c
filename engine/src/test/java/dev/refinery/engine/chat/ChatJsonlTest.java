package dev.refinery.engine.chat;

import dev.refinery.engine.EngineException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ChatJsonlTest {

    @Test
    void readsRolesContentAndWeights() {
        List<ChatMessage> chat = ChatJsonl.parseLine("{\"messages\": [{\"role\": \"system\", \"content\": \"Be brief.\"},"
                + " {\"role\": \"user\", \"content\": \"Hi\"}, {\"role\": \"assistant\", \"content\": \"Hello\", \"weight\": 0},"
                + " {\"role\": \"assistant\", \"content\": \"Again\", \"weight\": 1}]}", 1);
        assertEquals(List.of(ChatMessage.system("Be brief."), ChatMessage.user("Hi"), new ChatMessage("assistant", "Hello", 0),
                ChatMessage.assistant("Again")), chat);
    }

    @Test
    void joinsTextParts() {
        List<ChatMessage> chat = ChatJsonl.parseLine("{\"messages\": [{\"role\": \"user\", \"content\": "
                + "[{\"type\": \"text\", \"text\": \"Hello, \"}, {\"type\": \"text\", \"text\": \"world\"}]}]}", 3);
        assertEquals("Hello, world", chat.get(0).content());
    }

    @Test
    void errorsNameTheLineAndTheJsonPath() {
        assertError("{\"messages\": [{\"role\": \"user\", \"content\": \"a\"}, {\"role\": \"assistant\", \"content\": 5}]}",
                "line 12: messages[1].content must be a string or a list of text parts");
        assertError("{\"messages\": [{\"role\": \"user\", \"content\": [{\"type\": \"image_url\"}]}]}",
                "line 12: messages[0].content[0] must be {\"type\": \"text\", \"text\": ...}; other part types are not supported");
        assertError("{\"messages\": [{\"role\": \"user\", \"content\": [{\"type\": \"text\"}]}]}", "line 12: messages[0].content[0].text must be a string");
        assertError("{\"messages\": [{\"content\": \"a\"}]}", "line 12: messages[0].role must be a string");
        assertError("{\"messages\": [{\"role\": \"user\", \"content\": \"a\", \"weight\": 0.5}]}", "line 12: messages[0].weight must be 0 or 1, got 0.5");
        assertError("{\"messages\": [\"hi\"]}", "line 12: messages[0] must be an object with role and content");
        assertError("{\"messages\": []}", "line 12: messages is empty");
        assertError("{\"prompt\": \"x\"}", "line 12: messages must be an array");
        assertError("[1, 2]", "line 12: must be a JSON object with a \"messages\" array");
        EngineException e = assertThrows(EngineException.InvalidChat.class, () -> ChatJsonl.parseLine("{\"messages\": [", 12));
        assertTrue(e.getMessage().startsWith("line 12: not valid JSON"), e.getMessage());
    }

    @Test
    void forEachStreamsLinesWithTheirNumbersAndSkipsBlankOnes(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("train.jsonl");
        Files.writeString(file, "{\"messages\": [{\"role\": \"user\", \"content\": \"a\"}]}\n\n"
                + "{\"messages\": [{\"role\": \"user\", \"content\": \"b\"}]}\n{\"messages\": 3}\n");
        List<String> seen = new ArrayList<>();
        EngineException e = assertThrows(EngineException.InvalidChat.class,
                () -> ChatJsonl.forEach(file, (line, chat) -> seen.add(line + ":" + chat.get(0).content())));
        assertEquals(List.of("1:a", "3:b"), seen);
        assertEquals("line 4: messages must be an array", e.getMessage());
        assertThrows(EngineException.InputError.class, () -> ChatJsonl.forEach(dir.resolve("missing.jsonl"), (l, c) -> { }));
    }

    private static void assertError(String line, String expected) {
        EngineException e = assertThrows(EngineException.InvalidChat.class, () -> ChatJsonl.parseLine(line, 12));
        assertEquals(expected, e.getMessage());
    }
}
