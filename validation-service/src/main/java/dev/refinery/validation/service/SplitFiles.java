package dev.refinery.validation.service;

import dev.refinery.datasets.split.Split;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumMap;
import java.util.Map;

/**
 * The three split files of one run, written to local temporary files while the dataset streams by (so
 * a split of any size never sits in memory), then read back for upload. Closing deletes them.
 */
final class SplitFiles implements AutoCloseable {

    private static final int BUFFER = 256 * 1024;

    private final Map<Split, Path> files = new EnumMap<>(Split.class);
    private final Map<Split, OutputStream> outputs = new EnumMap<>(Split.class);

    private SplitFiles() {
    }

    static SplitFiles create(String datasetId) throws IOException {
        SplitFiles splits = new SplitFiles();
        try {
            for (Split s : Split.values()) {
                Path file = Files.createTempFile("refinery-" + datasetId + "-" + s.id() + "-", ".jsonl");
                splits.files.put(s, file);
                splits.outputs.put(s, new BufferedOutputStream(Files.newOutputStream(file), BUFFER));
            }
            return splits;
        } catch (IOException | RuntimeException e) {
            splits.close();
            throw e;
        }
    }

    /** Appends one record, byte for byte, and a newline. */
    void write(Split split, byte[] bytes, int offset, int length) throws IOException {
        OutputStream out = outputs.get(split);
        out.write(bytes, offset, length);
        out.write('\n');
    }

    /** Flushes and closes the files for writing; call before {@link #open}. */
    void finishWriting() throws IOException {
        for (OutputStream out : outputs.values()) {
            out.close();
        }
    }

    InputStream open(Split split) throws IOException {
        return Files.newInputStream(files.get(split));
    }

    @Override
    public void close() {
        for (OutputStream out : outputs.values()) {
            try {
                out.close();
            } catch (IOException ignored) {
                // the file is deleted next; nothing to keep
            }
        }
        for (Path file : files.values()) {
            try {
                Files.deleteIfExists(file);
            } catch (IOException ignored) {
                // a leftover temporary file is harmless
            }
        }
    }
}
