package dev.refinery.eval.service;

import dev.refinery.eval.repository.ArtifactType;
import dev.refinery.kit.storage.ObjectStorage;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.nio.file.Path;
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
     * @throws dev.refinery.kit.storage.StorageException when object storage fails
     */
    public void fetch(ArtifactType type, String key, Path into) {
        String prefix = prefix(key);
        List<Path> files;
        try {
            files = storage.downloadFolder(prefix, into);
        } catch (ObjectStorage.UnsafeKeyException e) {
            throw new EvaluationFailure(unreadable(type), e.getMessage());
        }
        if (files.isEmpty()) {
            throw switch (type) {
                case LORA_ADAPTER -> new EvaluationFailure("EVAL_ADAPTER_MISSING", "the job's adapter does not exist: no files under " + prefix
                        + " in bucket " + storage.bucket() + " (expected adapter_config.json and adapter_model.safetensors)");
                case FULL_MODEL -> new EvaluationFailure("EVAL_MODEL_MISSING", "the job's model does not exist: no files under " + prefix
                        + " in bucket " + storage.bucket() + " (expected config.json and model.safetensors)");
                case PROVIDER_MODEL -> new IllegalArgumentException("a provider's model is not in object storage");
            };
        }
    }

    /** The key as a folder prefix: {@code jobs/x/adapter} and {@code jobs/x/adapter/} name the same folder. */
    public static String prefix(String key) {
        return key.endsWith("/") ? key : key + "/";
    }

    /** The failure code of an artifact the engine cannot use. */
    static String unreadable(ArtifactType type) {
        return type == ArtifactType.LORA_ADAPTER ? "EVAL_ADAPTER_UNREADABLE" : "EVAL_MODEL_UNREADABLE";
    }
}
