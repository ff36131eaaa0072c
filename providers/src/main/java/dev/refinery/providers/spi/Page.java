package dev.refinery.providers.spi;

import java.util.List;

/**
 * Items in chronological order, and the cursor to pass next time to get only newer ones. The cursor is opaque:
 * store it as given; it survives a restart.
 */
public record Page<T>(List<T> items, String nextCursor, boolean hasMore) {

    public Page {
        items = List.copyOf(items);
    }
}
