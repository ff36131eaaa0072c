package dev.refinery.cli.output;

import dev.refinery.datasets.read.CountingInputStream;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ProgressBarTest {

    private static final long MIB = 1L << 20;

    @Test
    void theLineShowsBytesRateAndEtaOnTheGivenClock() {
        AtomicLong now = new AtomicLong(1_000_000_000L);
        ByteArrayOutputStream drawn = new ByteArrayOutputStream();
        ProgressBar bar = new ProgressBar("upload data.jsonl", 100 * MIB, now::get, new PrintStream(drawn, true, StandardCharsets.UTF_8));
        now.addAndGet(5_000_000_000L); // 5 s for 50 MiB: 10 MiB/s, 50 MiB to go: 5 s
        assertEquals("upload data.jsonl  [############\u00b7\u00b7\u00b7\u00b7\u00b7\u00b7\u00b7\u00b7\u00b7\u00b7\u00b7\u00b7]  50%  50.0 MiB / 100.0 MiB  10.0 MiB/s  ETA 5s",
                bar.line(50 * MIB, now.get()));
        bar.update(50 * MIB);
        bar.update(60 * MIB); // within 200 ms of the last: not drawn
        now.addAndGet(195_000_000_000L);
        bar.update(99 * MIB);
        bar.finish(100 * MIB);
        String out = drawn.toString(StandardCharsets.UTF_8);
        assertEquals(3, out.split("\r").length - 1, "drawn three times: " + out);
        assertTrue(out.contains("ETA 5s"), out);
        assertTrue(out.contains(" 99%  99.0 MiB / 100.0 MiB  506.9 KiB/s  ETA 3s"), out);
        assertTrue(out.endsWith("100%  100.0 MiB / 100.0 MiB  512.0 KiB/s  in 3m20s\u001b[K\n"), out);
        bar.update(100 * MIB);
        assertEquals(out, drawn.toString(StandardCharsets.UTF_8), "nothing after finish");
    }

    @Test
    void unitsAndDurationsReadAsPeopleWriteThem() {
        assertEquals(List.of("512 B", "1.5 KiB", "3.0 GiB"), List.of(ProgressBar.bytes(512), ProgressBar.bytes(1536), ProgressBar.bytes(3L << 30)));
        assertEquals(List.of("42s", "3m05s", "1h02m"), List.of(ProgressBar.duration(42), ProgressBar.duration(185), ProgressBar.duration(3720)));
    }

    @Test
    void theSparklineScalesBetweenItsOwnLowestAndHighest() {
        assertEquals("\u2588\u2585\u2581", Sparkline.of(List.of(3.0, 2.0, 1.0), 10), "the middle rounds up: 3.5 of 7");
        assertEquals("\u2581\u2588", Sparkline.of(List.of(9.0, 3.0, 1.0, 2.0), 2), "the last values only");
        assertEquals("", Sparkline.of(List.of(), 10));
    }

    @Test
    void aCountingStreamReportsEveryRead() throws Exception {
        List<Long> counts = new java.util.ArrayList<>();
        try (CountingInputStream in = new CountingInputStream(new java.io.ByteArrayInputStream(new byte[10]), counts::add)) {
            in.read(new byte[4]);
            in.read();
            in.readAllBytes();
            assertEquals(10, in.count());
        }
        assertEquals(List.of(4L, 5L, 10L), counts);
    }
}
