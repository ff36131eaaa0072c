package dev.refinery.localstack;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** The last lines of a component's log, for error messages that explain themselves. */
final class LogTail {

    static final int DEFAULT_LINES = 30;

    private LogTail() {
    }

    static String of(Path log) {
        return of(log, DEFAULT_LINES);
    }

    static String of(Path log, int lines) {
        try {
            if (!Files.exists(log)) {
                return "(no log at " + log + ")";
            }
            // Malformed bytes must not hide the message we are trying to build.
            String text = new String(Files.readAllBytes(log), StandardCharsets.UTF_8);
            List<String> all = text.lines().toList();
            List<String> tail = all.subList(Math.max(0, all.size() - lines), all.size());
            return "(" + log + ")\n" + String.join("\n", tail);
        } catch (IOException e) {
            return "(cannot read " + log + ": " + e.getMessage() + ")";
        }
    }
}
