package dev.refinery.engine.serve;

import dev.refinery.engine.EngineException;
import dev.refinery.engine.LanguageModel;
import dev.refinery.engine.generate.LoraDelta;
import dev.refinery.engine.io.PeftAdapterIo;
import dev.refinery.engine.lora.LoraAdapter;
import dev.refinery.engine.model.ModelConfig;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * The adapters a serving engine has in memory, loaded on first use through a loader function and evicted least
 * recently used first once their bytes exceed a bound. An adapter held by a {@link Lease} (a queued or running
 * request) is never evicted: while every loaded adapter is in use the cache may stand above its bound, and it
 * shrinks back as leases close.
 *
 * <p>Loading runs outside the cache's lock, so a slow load (a file read) never stalls the decode thread, which
 * only closes leases; two requests for the same adapter while it loads share one load.
 */
public final class AdapterCache {

    /** Adapter names a directory loader accepts: one path segment, no way out of the directory. */
    private static final Pattern SAFE_NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,127}");

    private final ModelConfig base;
    private final long maxBytes;
    private final Function<String, LoraAdapter> loader;
    /** Access order: iteration starts at the least recently used entry. */
    private final LinkedHashMap<String, Entry> loaded = new LinkedHashMap<>(16, 0.75f, true);
    private final Map<String, CompletableFuture<Entry>> loading = new HashMap<>();
    private long bytes;
    private long evictions;

    /**
     * @param base     the shape every adapter must fit
     * @param maxBytes bound on the bytes of loaded adapters not in use
     * @param loader   the adapter for a key; throws (e.g. {@link EngineException.UnknownAdapter}) when there is none
     */
    public AdapterCache(ModelConfig base, long maxBytes, Function<String, LoraAdapter> loader) {
        if (maxBytes < 0) {
            throw new EngineException.InvalidArgument("the adapter cache bound must be >= 0 bytes, got " + maxBytes);
        }
        this.base = base;
        this.maxBytes = maxBytes;
        this.loader = loader;
    }

    /**
     * A cache that loads PEFT adapter directories {@code root/<key>}, refusing adapters recorded for another base
     * (ENGINE_ADAPTER_BASE_MISMATCH) and keys that are not a plain directory name.
     */
    public static AdapterCache ofDirectory(LanguageModel base, Path root, long maxBytes) {
        return new AdapterCache(base.weights().config(), maxBytes, key -> {
            if (!SAFE_NAME.matcher(key).matches() || key.contains("..")) {
                throw new EngineException.UnknownAdapter("adapter name '" + key + "' is not a plain directory name");
            }
            Path dir = root.resolve(key);
            if (!Files.isDirectory(dir)) {
                throw new EngineException.UnknownAdapter("no adapter '" + key + "' in " + root);
            }
            return PeftAdapterIo.read(dir, base.weights().config(), base.fingerprint());
        });
    }

    /** Loads the adapter if needed and holds it in memory until the lease closes. */
    public Lease acquire(String key) {
        while (true) {
            CompletableFuture<Entry> pending;
            boolean mine = false;
            synchronized (this) {
                Entry e = loaded.get(key);
                if (e != null) {
                    e.leases++;
                    return new Lease(e);
                }
                pending = loading.get(key);
                if (pending == null) {
                    pending = new CompletableFuture<>();
                    loading.put(key, pending);
                    mine = true;
                }
            }
            if (mine) {
                return new Lease(load(key, pending));
            }
            try {
                pending.join();
            } catch (CompletionException e) {
                throw e.getCause() instanceof RuntimeException r ? r : e;
            }
            // Loaded by another caller: take a lease under the lock (it may have been evicted in between, then retry).
        }
    }

    private Entry load(String key, CompletableFuture<Entry> pending) {
        Entry e;
        try {
            LoraAdapter adapter = loader.apply(key);
            if (adapter == null) {
                throw new EngineException.UnknownAdapter("no adapter '" + key + "'");
            }
            e = new Entry(key, LoraDelta.of(adapter, base));
        } catch (RuntimeException failure) {
            synchronized (this) {
                loading.remove(key);
            }
            pending.completeExceptionally(failure);
            throw failure;
        }
        synchronized (this) {
            e.leases = 1;
            loaded.put(key, e);
            loading.remove(key);
            bytes += e.delta.bytes();
            evictUnused();
        }
        pending.complete(e);
        return e;
    }

    private synchronized void release(Entry e) {
        e.leases--;
        evictUnused();
    }

    /** Drops least recently used adapters that nobody holds until the bound is met (or only held ones remain). */
    private void evictUnused() {
        Iterator<Entry> it = loaded.values().iterator();
        while (bytes > maxBytes && it.hasNext()) {
            Entry e = it.next();
            if (e.leases == 0) {
                it.remove();
                bytes -= e.delta.bytes();
                evictions++;
            }
        }
    }

    public synchronized int loadedCount() {
        return loaded.size();
    }

    /** Bytes of the loaded adapters' matrices. */
    public synchronized long loadedBytes() {
        return bytes;
    }

    public long maxBytes() {
        return maxBytes;
    }

    public synchronized long evictions() {
        return evictions;
    }

    public synchronized boolean isLoaded(String key) {
        return loaded.containsKey(key);
    }

    /** An adapter held in memory for one request; closing it (once) lets the cache evict the adapter again. */
    public final class Lease implements AutoCloseable {
        private final Entry entry;
        private boolean closed;

        private Lease(Entry entry) {
            this.entry = entry;
        }

        public String key() {
            return entry.key;
        }

        public LoraDelta delta() {
            return entry.delta;
        }

        @Override
        public void close() {
            synchronized (AdapterCache.this) {
                if (closed) {
                    return;
                }
                closed = true;
                release(entry);
            }
        }
    }

    private static final class Entry {
        final String key;
        final LoraDelta delta;
        int leases;

        Entry(String key, LoraDelta delta) {
            this.key = key;
            this.delta = delta;
        }
    }
}
