package dev.refinery.eval.service;

import dev.refinery.eval.repository.ArtifactType;
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

/**
 * Copies a job's artifact folder from object storage into a local folder, file by file: a PEFT adapter
 * ({@code jobs/{id}/adapter/}) or a whole fine-tuned model ({@code jobs/{id}/model/}).
 */
@ApplicationScoped
public class ArtifactFetcher {

    @Inject
    ObjectStorage storage;

    /**
     * Downloads every object under {@code key} into {@code into}, keeping their relative paths.
     *
     * @throws EvaluationFailure when nothing is stored under the prefix
     * @throws StorageException  when object storage fails
     */
    public void fetch(ArtifactType type, String key, Path into) {
        String prefix = prefix(key);
        List<String> keys = storage.list(prefix).stream().filter(k -> !k.endsWith("/")).toList();
        if (keys.isEmpty()) {
            throw switch (type) {
                case LORA_ADAPTER -> new EvaluationFailure("EVAL_ADAPTER_MISSING", "the job's adapter does not exist: no files under " + prefix
                        + " in bucket " + storage.bucket() + " (expected adapter_config.json and adapter_model.safetensors)");
                case FULL_MODEL -> new EvaluationFailure("EVAL_MODEL_MISSING", "the job's model does not exist: no files under " + prefix
                        + " in bucket " + storage.bucket() + " (expected config.json and model.safetensors)");
                case PROVIDER_MODEL -> new IllegalArgumentException("a provider's model is not in object storage");
            };
        }
        for (String k : keys) {
            Path target = localPath(into, prefix, k, type);
            try (InputStream in = storage.open(k)) {
                Files.createDirectories(target.getParent());
                Files.copy(in, target, StandardCopyOption.REPLACE_EXISTING);
            } catch (IOException e) {
                throw new StorageException("cannot download " + k + ": " + e.getMessage(), e);
            }
        }
    }

    /** The key as a folder prefix: {@code jobs/x/adapter} and {@code jobs/x/adapter/} name the same folder. */
    public static String prefix(String key) {
        return key.endsWith("/") ? key : key + "/";
    }

    /** Where an object lands; a key that would escape the folder ({@code ../}) fails the evaluation. */
    static Path localPath(Path into, String prefix, String key, ArtifactType type) {
        Path target = into.resolve(key.substring(prefix.length())).normalize();
        if (!target.startsWith(into.normalize())) {
            throw new EvaluationFailure(unreadable(type), "object " + key + " has a path outside " + prefix);
        }
        return target;
    }

    /** The failure code of an artifact the engine cannot use. */
    static String unreadable(ArtifactType type) {
        return type == ArtifactType.LORA_ADAPTER ? "EVAL_ADAPTER_UNREADABLE" : "EVAL_MODEL_UNREADABLE";
    }
}
