package dev.refinery.validation.records;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Streaming lines as bytes with a length cap (plain JUnit). */
class LineReaderTest {

    private static List<String> lines(InputStream in, int max) throws IOException {
        LineReader reader = new LineReader(in, max);
        List<String> out = new ArrayList<>();
        while (reader.next()) {
            out.add(reader.number() + ":" + (reader.tooLong() ? "TOO_LONG(" + reader.length() + ")"
                    : new String(reader.bytes(), 0, (int) reader.length(), StandardCharsets.UTF_8)));
        }
        return out;
    }

    private static List<String> lines(String text, int max) throws IOException {
        return lines(new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8)), max);
    }

    @Test
    void splitsOnNewlinesKeepingCarriageReturnsAndEmptyLines() throws IOException {
        assertEquals(List.of("1:a", "2:", "3:b\r", "4:c"), lines("a\n\nb\r\nc", 100));
        assertEquals(List.of("1:a", "2:b"), lines("a\nb\n", 100), "a final newline does not start another line");
        assertEquals(List.of(), lines("", 100));
        assertEquals(List.of("1:"), lines("\n", 100));
    }

    @Test
    void aLineOverTheLimitIsSkippedButCountedAndReadingGoesOn() throws IOException {
        assertEquals(List.of("1:ok", "2:TOO_LONG(11)", "3:12345", "4:TOO_LONG(6)"), lines("ok\nabcdefghijk\n12345\n123456", 5));
    }

    @Test
    void theBytesOfATooLongLineAreNotOffered() throws IOException {
        LineReader reader = new LineReader(new ByteArrayInputStream("abcdef".getBytes(StandardCharsets.UTF_8)), 3);
        assertTrue(reader.next());
        assertTrue(reader.tooLong());
        assertThrows(IllegalStateException.class, reader::bytes);
        assertFalse(reader.next());
    }

    @Test
    void linesLongerThanTheReadChunkAndStreamsThatTrickle() throws IOException {
        char[] big = new char[200_000];
        Arrays.fill(big, 'x');
        String longLine = new String(big);
        // One byte per read, as a slow network stream might deliver it.
        InputStream trickle = new ByteArrayInputStream((longLine + "\nend").getBytes(StandardCharsets.UTF_8)) {
            @Override
            public synchronized int read(byte[] b, int off, int len) {
                return super.read(b, off, Math.min(len, 7));
            }
        };
        List<String> out = lines(trickle, 300_000);
        assertEquals(2, out.size());
        assertEquals("1:" + longLine, out.get(0));
        assertEquals("2:end", out.get(1));
    }
}
