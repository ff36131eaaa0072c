package dev.refinery.engine.serve;

import dev.refinery.engine.EngineException;
import dev.refinery.engine.LanguageModel;
import dev.refinery.engine.generate.LoraDelta;
import dev.refinery.engine.lora.LoraAdapter;
import dev.refinery.engine.lora.LoraConfig;
import dev.refinery.engine.model.ModelConfig;
import dev.refinery.engine.testing.TestModels;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class AdapterCacheTest {

    private static final ModelConfig CONFIG = TestModels.stories260k().config();

    private final List<String> loads = new ArrayList<>();

    private LoraAdapter load(String key) {
        loads.add(key);
        return LoraAdapter.initialise(new LoraConfig(4, 8f, 0f, LoraConfig.allLinear()), CONFIG, key.hashCode());
    }

    private static long adapterBytes() {
        return LoraDelta.of(LoraAdapter.initialise(new LoraConfig(4, 8f, 0f, LoraConfig.allLinear()), CONFIG, 0), CONFIG).bytes();
    }

    @Test
    void theLeastRecentlyUsedAdapterGoesFirstButNeverOneInUse() {
        long one = adapterBytes();
        AdapterCache cache = new AdapterCache(CONFIG, 2 * one, this::load);

        AdapterCache.Lease a = cache.acquire("a");
        cache.acquire("b").close();
        cache.acquire("c").close();
        // Three adapters over a bound of two: "a" is the least recently used, but a request holds it.
        assertEquals(Set.of("a", "c"), loaded(cache, "a", "b", "c"));
        assertEquals(2 * one, cache.loadedBytes());

        AdapterCache.Lease d = cache.acquire("d");
        assertEquals(Set.of("a", "d"), loaded(cache, "a", "c", "d"));
        AdapterCache.Lease e = cache.acquire("e");
        // Everything held: the cache stands above its bound rather than take an adapter from a running request.
        assertEquals(3, cache.loadedCount());
        assertEquals(3 * one, cache.loadedBytes());

        a.close();
        assertEquals(Set.of("d", "e"), loaded(cache, "a", "d", "e"));
        d.close();
        e.close();
        assertEquals(2, cache.loadedCount());
        assertEquals(3, cache.evictions());

        AdapterCache.Lease again = cache.acquire("b");
        assertEquals(List.of("a", "b", "c", "d", "e", "b"), loads, "an evicted adapter is loaded again on its next use");
        again.close();
        again.close();
        assertEquals(2, cache.loadedCount(), "closing a lease twice releases it once");
    }

    @Test
    void aLoadedAdapterIsSharedNotLoadedTwice() {
        AdapterCache cache = new AdapterCache(CONFIG, 1L << 20, this::load);
        try (AdapterCache.Lease first = cache.acquire("x"); AdapterCache.Lease second = cache.acquire("x")) {
            assertSame(first.delta(), second.delta());
        }
        assertEquals(List.of("x"), loads);
        assertTrue(cache.isLoaded("x"));
    }

    @Test
    void aFailedLoadLeavesNothingBehind() {
        AdapterCache cache = new AdapterCache(CONFIG, 1L << 20, key -> {
            throw new EngineException.UnknownAdapter("no adapter '" + key + "'");
        });
        assertThrows(EngineException.UnknownAdapter.class, () -> cache.acquire("missing"));
        assertThrows(EngineException.UnknownAdapter.class, () -> cache.acquire("missing"), "the failure is not cached as a load");
        assertEquals(0, cache.loadedCount());
    }

    @Test
    void aDirectoryCacheRefusesNamesThatLeaveItsDirectory(@TempDir Path root) {
        LanguageModel model = LanguageModel.load(TestModels.stories260kDir());
        AdapterCache cache = AdapterCache.ofDirectory(model, root, 1L << 20);
        assertThrows(EngineException.UnknownAdapter.class, () -> cache.acquire("../etc"));
        assertThrows(EngineException.UnknownAdapter.class, () -> cache.acquire("absent"));
    }

    @Test
    void anAdapterForAnotherShapeIsRefused() {
        ModelConfig other = ModelConfig.llama2c(32, 64, 2, 4, 4, 512, 128);
        AdapterCache cache = new AdapterCache(CONFIG, 1L << 20,
                key -> LoraAdapter.initialise(new LoraConfig(2, 4f, 0f, LoraConfig.allLinear()), other, 1));
        assertThrows(EngineException.ShapeMismatch.class, () -> cache.acquire("small"));
        assertFalse(cache.isLoaded("small"));
    }

    private static Set<String> loaded(AdapterCache cache, String... keys) {
        java.util.Set<String> out = new java.util.HashSet<>();
        for (String k : keys) {
            if (cache.isLoaded(k)) {
                out.add(k);
            }
        }
        return out;
    }
}
