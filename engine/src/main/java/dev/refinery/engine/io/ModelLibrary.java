package dev.refinery.engine.io;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.logging.Logger;
import java.util.stream.Stream;

/**
 * The folder of base models the engine fine-tunes, evaluates and serves: one sub-folder per model, named by the model's id,
 * holding a llama2.c checkpoint (+ {@code tok*.bin}) or a Hugging Face model ({@code config.json} + safetensors). Every
 * service that runs the engine finds its models here, the same way.
 */
public final class ModelLibrary {

    private static final Logger LOG = Logger.getLogger(ModelLibrary.class.getName());
    /** The model a Refinery checkout always has: finding it marks the repository's models/ folder. */
    public static final String VENDORED_MODEL = "stories260K";

    /** A usable model: its id (the folder's name), where it is, its format and its context in tokens. */
    public record Entry(String id, Path path, String format, int contextLength) {
    }

    private final Path dir;

    private ModelLibrary(Path dir) {
        this.dir = dir.toAbsolutePath().normalize();
    }

    public static ModelLibrary at(Path dir) {
        return new ModelLibrary(dir);
    }

    /**
     * The configured folder; else, as tests and local runs start somewhere inside the repository, the nearest
     * {@code models/} above the working directory that holds {@value #VENDORED_MODEL}; else {@code ./models}.
     */
    public static ModelLibrary locate(Optional<Path> configured) {
        if (configured.isPresent()) {
            return at(configured.get());
        }
        for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
            if (Files.isDirectory(p.resolve("models").resolve(VENDORED_MODEL))) {
                return at(p.resolve("models"));
            }
        }
        return at(Path.of("models"));
    }

    public Path dir() {
        return dir;
    }

    /** Every usable model, by id; folders that hold no model are left out (and logged). */
    public List<Entry> entries() {
        List<Entry> out = new ArrayList<>();
        if (!Files.isDirectory(dir)) {
            return out;
        }
        try (Stream<Path> dirs = Files.list(dir)) {
            for (Path d : dirs.filter(Files::isDirectory).sorted().toList()) {
                describe(d).ifPresent(out::add);
            }
        } catch (IOException e) {
            LOG.warning("cannot list models in " + dir + ": " + e.getMessage());
        }
        return out;
    }

    public List<String> ids() {
        return entries().stream().map(Entry::id).toList();
    }

    /** The model {@code id}; empty for an id that is not a plain folder name or names no usable model. */
    public Optional<Entry> find(String id) {
        if (id == null || id.isEmpty() || id.contains("/") || id.contains("\\") || id.startsWith(".")) {
            return Optional.empty();
        }
        Path d = dir.resolve(id);
        return Files.isDirectory(d) ? describe(d) : Optional.empty();
    }

    private static Optional<Entry> describe(Path d) {
        String id = d.getFileName().toString();
        try {
            if (Files.isRegularFile(d.resolve(HfModelLoader.CONFIG_FILE))) {
                return Optional.of(new Entry(id, d, "huggingface", HfModelLoader.readConfig(d).maxSeqLen()));
            }
            Optional<Path> checkpoint = llama2cCheckpoint(d);
            if (checkpoint.isPresent()) {
                return Optional.of(new Entry(id, d, "llama2.c", llama2cContext(checkpoint.get())));
            }
        } catch (IOException | RuntimeException e) {
            LOG.warning(d + " is not a usable model: " + e.getMessage());
        }
        return Optional.empty();
    }

    private static Optional<Path> llama2cCheckpoint(Path d) throws IOException {
        try (Stream<Path> files = Files.list(d)) {
            List<Path> bins = files.filter(f -> {
                String n = f.getFileName().toString();
                return n.endsWith(".bin") && !n.startsWith("tok");
            }).toList();
            return bins.size() == 1 ? Optional.of(bins.get(0)) : Optional.empty();
        }
    }

    /** seq_len, the seventh little-endian int of a llama2.c header. */
    private static int llama2cContext(Path checkpoint) throws IOException {
        try (InputStream in = Files.newInputStream(checkpoint)) {
            byte[] header = in.readNBytes(7 * Integer.BYTES);
            if (header.length < 7 * Integer.BYTES) {
                throw new IOException(checkpoint + " is too short for a llama2.c header");
            }
            int seqLen = ByteBuffer.wrap(header).order(ByteOrder.LITTLE_ENDIAN).getInt(6 * Integer.BYTES);
            if (seqLen <= 0) {
                throw new IOException(checkpoint + " declares a context of " + seqLen + " tokens");
            }
            return seqLen;
        }
    }
}
