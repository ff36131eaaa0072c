package dev.refinery.engine.io;

import dev.refinery.engine.EngineException;
import dev.refinery.engine.model.Tensor;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/** Entry point for safetensors checkpoints: opens single files, sharded indexes and model directories. */
public final class SafeTensors {

    /** File name of an unsharded Hugging Face checkpoint. */
    public static final String SINGLE_FILE = "model.safetensors";
    /** File name of the index of a sharded Hugging Face checkpoint. */
    public static final String INDEX_FILE = "model.safetensors.index.json";

    private SafeTensors() {
    }

    /**
     * Opens {@code path} for lazy reading: a {@code .safetensors} file, an {@code .index.json} index, or a
     * directory holding {@value #INDEX_FILE} (preferred) or {@value #SINGLE_FILE}.
     */
    public static TensorStore open(Path path) {
        if (Files.isDirectory(path)) {
            Path index = path.resolve(INDEX_FILE);
            if (Files.isRegularFile(index)) {
                return ShardedSafeTensors.open(index);
            }
            Path single = path.resolve(SINGLE_FILE);
            if (Files.isRegularFile(single)) {
                return SafeTensorsFile.open(single);
            }
            throw new EngineException.InputError("directory " + path + " holds neither " + SINGLE_FILE + " nor " + INDEX_FILE);
        }
        if (path.getFileName() != null && path.getFileName().toString().endsWith(".index.json")) {
            return ShardedSafeTensors.open(path);
        }
        return SafeTensorsFile.open(path);
    }

    /** Writes float32 tensors with the given {@code __metadata__}; see {@link SafeTensorsWriter}. */
    public static void write(Path file, Map<String, Tensor> tensors, Map<String, String> metadata) {
        SafeTensorsWriter.write(file, tensors, metadata);
    }

    /** Writes tensors in F32, F16 or BF16; see {@link SafeTensorsWriter}. */
    public static void write(Path file, Map<String, Tensor> tensors, Map<String, String> metadata, SafeTensorsDtype dtype) {
        SafeTensorsWriter.write(file, tensors, metadata, dtype);
    }
}
