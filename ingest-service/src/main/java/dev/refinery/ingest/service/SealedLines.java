package dev.refinery.ingest.service;

import dev.refinery.ingest.repository.ExampleLedger;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.function.LongFunction;

/**
 * A collection's unsealed examples as a JSONL stream, read from the database a page at a time as the object store asks
 * for bytes, so a large collection is never held in memory. Remembers what it served (ids, producers): exactly those are
 * sealed, not an example that arrived while it was being written.
 */
final class SealedLines extends InputStream {

    private final LongFunction<List<ExampleLedger.UnsealedExample>> nextPage;
    private final List<Long> ids = new ArrayList<>();
    private final Set<String> producers = new LinkedHashSet<>();
    private byte[] current = new byte[0];
    private int at;
    private long lastId;
    private boolean done;

    /** @param nextPage the examples after the given id, in order; empty when there are no more */
    SealedLines(LongFunction<List<ExampleLedger.UnsealedExample>> nextPage) {
        this.nextPage = nextPage;
    }

    @Override
    public int read() {
        byte[] one = new byte[1];
        return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) {
        if (len == 0) {
            return 0;
        }
        while (at == current.length) {
            if (done || !fill()) {
                return -1;
            }
        }
        int n = Math.min(len, current.length - at);
        System.arraycopy(current, at, b, off, n);
        at += n;
        return n;
    }

    private boolean fill() {
        List<ExampleLedger.UnsealedExample> page = nextPage.apply(lastId);
        if (page.isEmpty()) {
            done = true;
            return false;
        }
        StringBuilder text = new StringBuilder();
        for (ExampleLedger.UnsealedExample e : page) {
            text.append(e.line()).append('\n');
            ids.add(e.id());
            producers.add(e.producerId());
            lastId = e.id();
        }
        current = text.toString().getBytes(StandardCharsets.UTF_8);
        at = 0;
        return true;
    }

    List<Long> ids() {
        return ids;
    }

    Set<String> producers() {
        return producers;
    }
}
