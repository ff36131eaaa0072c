package dev.refinery.eval.inference;

import java.util.Collection;
import java.util.Map;

/** Answers already paid for, by {@link CacheKey}. Only successful answers are stored. */
public interface OutputCache {

    /** The stored answers among these keys (absent keys are simply missing from the map). */
    Map<String, String> find(String tenant, Collection<String> keys);

    /** Keeps one answer; storing a key that is already there changes nothing. */
    void store(String tenant, String key, Endpoint endpoint, String output);

    /** No cache: every call asks the endpoint (the benchmark, unit tests). */
    OutputCache NONE = new OutputCache() {
        @Override
        public Map<String, String> find(String tenant, Collection<String> keys) {
            return Map.of();
        }

        @Override
        public void store(String tenant, String key, Endpoint endpoint, String output) {
        }
    };
}
