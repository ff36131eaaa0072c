package dev.refinery.eval.service;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.refinery.kit.storage.ObjectStorage;
import dev.refinery.kit.storage.StorageException;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** The per-item results of an evaluation, one JSON object per line at {@code evals/{id}/items.jsonl}. */
@ApplicationScoped
public class ItemsFile {

    public static final String CONTENT_TYPE = "application/x-ndjson";
    private static final ObjectMapper JSON = new ObjectMapper();

    @Inject
    ObjectStorage storage;

    public static String key(String evalId) {
        return "evals/" + evalId + "/items.jsonl";
    }

    /** Writes the lines to {@code scratch} first, then streams that file up: the object never sits whole in memory. */
    public String store(String evalId, List<ItemLine> items, Path scratch) {
        try {
            try (BufferedWriter out = Files.newBufferedWriter(scratch, StandardCharsets.UTF_8)) {
                for (ItemLine item : items) {
                    out.write(JSON.writeValueAsString(item));
                    out.write('\n');
                }
            }
            String key = key(evalId);
            try (InputStream in = Files.newInputStream(scratch)) {
                storage.put(key, in, CONTENT_TYPE);
            }
            return key;
        } catch (IOException e) {
            throw new StorageException("cannot write the items of " + evalId + ": " + e.getMessage(), e);
        }
    }

    /** Opens the items file for reading; the caller closes the stream. */
    public InputStream open(String key) {
        return storage.open(key);
    }
}
