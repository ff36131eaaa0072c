package dev.refinery.validation.service;

import dev.refinery.datasets.split.Split;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * The three split files of one run and its clean subset (every kept record of the file, in file order),
 * written to local temporary files while the dataset streams by (so none of any size ever sits in memory),
 * then read back for upload. With a fixed test set the test split holds that set's records, which are
 * not part of this dataset's clean subset. Closing deletes them.
 */
final class SplitFiles implements AutoCloseable {

    private static final int BUFFER = 256 * 1024;

    private final Map<Split, Path> files = new EnumMap<>(Split.class);
    private final Map<Split, OutputStream> outputs = new EnumMap<>(Split.class);
    private final boolean testSplitIsFixed;
    private Path cleanFile;
    private OutputStream clean;

    private SplitFiles(boolean testSplitIsFixed) {
        this.testSplitIsFixed = testSplitIsFixed;
    }

    static SplitFiles create(String datasetId, boolean testSplitIsFixed) throws IOException {
        SplitFiles splits = new SplitFiles(testSplitIsFixed);
        try {
            for (Split s : Split.values()) {
                Path file = Files.createTempFile("refinery-" + datasetId + "-" + s.id() + "-", ".jsonl");
                splits.files.put(s, file);
                splits.outputs.put(s, new BufferedOutputStream(Files.newOutputStream(file), BUFFER));
            }
            splits.cleanFile = Files.createTempFile("refinery-" + datasetId + "-clean-", ".jsonl");
            splits.clean = new BufferedOutputStream(Files.newOutputStream(splits.cleanFile), BUFFER);
            return splits;
        } catch (IOException | RuntimeException e) {
            splits.close();
            throw e;
        }
    }

    /** Appends one record, byte for byte, and a newline, to its split and (unless it is a fixed test set's) to the clean subset. */
    void write(Split split, byte[] bytes, int offset, int length) throws IOException {
        append(outputs.get(split), bytes, offset, length);
        if (!(testSplitIsFixed && split == Split.TEST)) {
            append(clean, bytes, offset, length);
        }
    }

    private static void append(OutputStream out, byte[] bytes, int offset, int length) throws IOException {
        out.write(bytes, offset, length);
        out.write('\n');
    }

    /** Flushes and closes the files for writing; call before {@link #open}. */
    void finishWriting() throws IOException {
        for (OutputStream out : outputs.values()) {
            out.close();
        }
        clean.close();
    }

    InputStream open(Split split) throws IOException {
        return Files.newInputStream(files.get(split));
    }

    InputStream openCleanSubset() throws IOException {
        return Files.newInputStream(cleanFile);
    }

    @Override
    public void close() {
        List<OutputStream> all = new ArrayList<>(outputs.values());
        if (clean != null) {
            all.add(clean);
        }
        List<Path> paths = new ArrayList<>(files.values());
        if (cleanFile != null) {
            paths.add(cleanFile);
        }
        for (OutputStream out : all) {
            try {
                out.close();
            } catch (IOException ignored) {
                // the file is deleted next; nothing to keep
            }
        }
        for (Path file : paths) {
            try {
                Files.deleteIfExists(file);
            } catch (IOException ignored) {
                // a leftover temporary file is harmless
            }
        }
    }
}
