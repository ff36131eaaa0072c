package dev.refinery.eval.service;

import dev.refinery.kit.storage.ObjectStorage;
import dev.refinery.kit.storage.StorageException;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;

/** Copies a PEFT adapter directory ({@code jobs/{id}/adapter/}) from object storage into a local folder, file by file. */
@ApplicationScoped
public class AdapterFetcher {

    @Inject
    ObjectStorage storage;

    /**
     * Downloads every object under {@code adapterKey} into {@code into}, keeping their relative paths.
     *
     * @throws EvaluationFailure when nothing is stored under the prefix
     * @throws StorageException  when object storage fails (transient: the evaluation is retried)
     */
    public void fetch(String adapterKey, Path into) {
        String prefix = prefix(adapterKey);
        List<String> keys = storage.list(prefix).stream().filter(k -> !k.endsWith("/")).toList();
        if (keys.isEmpty()) {
            throw new EvaluationFailure("EVAL_ADAPTER_MISSING", "the job's adapter does not exist: no files under " + prefix
                    + " in bucket " + storage.bucket() + " (expected adapter_config.json and adapter_model.safetensors)");
        }
        for (String key : keys) {
            Path target = localPath(into, prefix, key);
            try (InputStream in = storage.open(key)) {
                Files.createDirectories(target.getParent());
                Files.copy(in, target, StandardCopyOption.REPLACE_EXISTING);
            } catch (IOException e) {
                throw new StorageException("cannot download " + key + ": " + e.getMessage(), e);
            }
        }
    }

    /** The key as a folder prefix: {@code jobs/x/adapter} and {@code jobs/x/adapter/} name the same adapter. */
    static String prefix(String adapterKey) {
        return adapterKey.endsWith("/") ? adapterKey : adapterKey + "/";
    }

    /** Where an object lands; a key that would escape the folder ({@code ../}) fails the evaluation. */
    static Path localPath(Path into, String prefix, String key) {
        Path target = into.resolve(key.substring(prefix.length())).normalize();
        if (!target.startsWith(into.normalize())) {
            throw new EvaluationFailure("EVAL_ADAPTER_UNREADABLE", "adapter object " + key + " has a path outside " + prefix);
        }
        return target;
    }
}
