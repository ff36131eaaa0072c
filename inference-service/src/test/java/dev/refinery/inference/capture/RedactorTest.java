package dev.refinery.inference.capture;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RedactorTest {

    @Test
    void everyMatchOfEveryPatternIsReplaced() {
        Redactor r = Redactor.of(List.of("[\\w.+-]+@[\\w-]+\\.[\\w.]+", "\\b\\d{4}-\\d{4}\\b"));
        assertEquals("mail [REDACTED] or [REDACTED], card [REDACTED].", r.apply("mail a.b@example.com or c@d.org, card 1234-5678."));
        assertEquals("nothing here", r.apply("nothing here"));
    }

    @Test
    void aPatternThatBacktracksWithoutEndIsStoppedNotWaitedFor() {
        Redactor r = Redactor.of(List.of("((a+)+)+b")); // exponential in Java 17's engine (simpler nestings are optimized)
        long start = System.nanoTime();
        assertThrows(Redactor.TooSlow.class, () -> r.apply("a".repeat(30) + "!"));
        assertTrue(System.nanoTime() - start < 10_000_000_000L, "stopped near the limit");
    }
}
