package dev.refinery.training.backend.local;

import dev.refinery.kit.storage.ObjectStorage;
import dev.refinery.kit.storage.StorageException;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * A job's files in object storage: checkpoints under {@code jobs/{id}/checkpoints/step-N/} and the
 * adapter under {@code jobs/{id}/adapter/}. A checkpoint counts only once its {@code COMPLETE} marker
 * is stored, and the marker goes up last (and is deleted first), so a half-uploaded or half-deleted
 * checkpoint is never resumed from.
 */
@ApplicationScoped
public class JobArtifacts {

    /** The engine's completeness marker in a checkpoint directory (written last by TrainingCheckpoint too). */
    public static final String COMPLETE_MARKER = "COMPLETE";

    @Inject
    ObjectStorage storage;

    public static String checkpointsPrefix(String jobId) {
        return "jobs/" + jobId + "/checkpoints/";
    }

    public static String checkpointPrefix(String jobId, int step) {
        return checkpointsPrefix(jobId) + "step-" + step + "/";
    }

    public static String adapterPrefix(String jobId) {
        return "jobs/" + jobId + "/adapter/";
    }

    /** Uploads a complete local checkpoint directory; returns its prefix. */
    public String uploadCheckpoint(String jobId, int step, Path dir) {
        String prefix = checkpointPrefix(jobId, step);
        uploadDirectory(dir, prefix, COMPLETE_MARKER);
        return prefix;
    }

    /** The step of the newest checkpoint stored completely, if any. */
    public Optional<Integer> latestCheckpointStep(String jobId) {
        String prefix = checkpointsPrefix(jobId);
        return storage.list(prefix).stream()
                .filter(k -> k.endsWith("/" + COMPLETE_MARKER))
                .map(k -> k.substring(prefix.length(), k.length() - COMPLETE_MARKER.length() - 1))
                .filter(d -> d.matches("step-\\d+"))
                .map(d -> Integer.parseInt(d.substring(5)))
                .max(Comparator.naturalOrder());
    }

    /** Downloads a stored checkpoint into {@code target} (replaced); returns it. */
    public Path downloadCheckpoint(String jobId, int step, Path target) {
        return downloadDirectory(checkpointPrefix(jobId, step), "checkpoint", target);
    }

    /** Downloads a stored adapter (its prefix, as recorded on its job) into {@code target} (replaced); returns it. */
    public Path downloadAdapter(String adapterPrefix, Path target) {
        return downloadDirectory(adapterPrefix, "adapter", target);
    }

    private Path downloadDirectory(String prefix, String what, Path target) {
        try {
            deleteRecursively(target);
            Files.createDirectories(target);
            for (String key : storage.list(prefix)) {
                String name = key.substring(prefix.length());
                if (name.isEmpty() || name.contains("/") || name.startsWith(".")) {
                    continue;
                }
                try (InputStream in = storage.open(key)) {
                    Files.copy(in, target.resolve(name), StandardCopyOption.REPLACE_EXISTING);
                }
            }
            return target;
        } catch (IOException e) {
            throw new StorageException("cannot download " + what + " " + prefix + " to " + target + ": " + e.getMessage(), e);
        }
    }

    /** Deletes every stored checkpoint but the one of {@code keepStep} (markers first). */
    public void pruneCheckpoints(String jobId, int keepStep) {
        String keep = checkpointPrefix(jobId, keepStep);
        List<String> old = storage.list(checkpointsPrefix(jobId)).stream().filter(k -> !k.startsWith(keep)).toList();
        old.stream().filter(k -> k.endsWith("/" + COMPLETE_MARKER)).forEach(storage::delete);
        old.stream().filter(k -> !k.endsWith("/" + COMPLETE_MARKER)).forEach(storage::delete);
    }

    public static String modelPrefix(String jobId) {
        return "jobs/" + jobId + "/model/";
    }

    public String bucket() {
        return storage.bucket();
    }

    /** Uploads a full fine-tune's model directory (config.json, model.safetensors); returns its prefix. */
    public String uploadModel(String jobId, Path dir) {
        String prefix = modelPrefix(jobId);
        uploadDirectory(dir, prefix, null);
        return prefix;
    }

    /** Uploads every file of the adapter directory; returns the adapter's prefix. */
    public String uploadAdapter(String jobId, Path dir) {
        String prefix = adapterPrefix(jobId);
        uploadDirectory(dir, prefix, null);
        return prefix;
    }

    private void uploadDirectory(Path dir, String prefix, String last) {
        try (Stream<Path> files = Files.list(dir)) {
            List<Path> all = files.filter(Files::isRegularFile).sorted().toList();
            for (Path f : all) {
                if (!f.getFileName().toString().equals(last)) {
                    upload(f, prefix);
                }
            }
            for (Path f : all) {
                if (f.getFileName().toString().equals(last)) {
                    upload(f, prefix);
                }
            }
        } catch (IOException e) {
            throw new StorageException("cannot read " + dir + " for upload to " + prefix + ": " + e.getMessage(), e);
        }
    }

    private void upload(Path file, String prefix) throws IOException {
        String name = file.getFileName().toString();
        try (InputStream in = Files.newInputStream(file)) {
            storage.put(prefix + name, in, name.endsWith(".json") ? "application/json" : "application/octet-stream");
        }
    }

    static void deleteRecursively(Path p) throws IOException {
        if (!Files.exists(p)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(p)) {
            for (Path q : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(q);
            }
        }
    }
}
