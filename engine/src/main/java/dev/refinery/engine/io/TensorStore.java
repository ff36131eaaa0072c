package dev.refinery.engine.io;

import dev.refinery.engine.model.Tensor;

import java.nio.file.Path;
import java.util.Map;
import java.util.Set;

/**
 * Read access to the named tensors of a checkpoint (one safetensors file or a sharded set). Tensors are
 * converted to float32 only when asked for, so a loader never holds two copies of the whole model.
 */
public interface TensorStore extends AutoCloseable {

    /** Tensor names, in file order. */
    Set<String> names();

    default boolean contains(String name) {
        return names().contains(name);
    }

    /** Where a tensor lives and its shape, without reading its data. */
    TensorEntry entry(String name);

    /** The file that holds a tensor (the shard, for sharded checkpoints), for messages and checksums. */
    Path fileOf(String name);

    /** A tensor converted to float32. */
    Tensor read(String name);

    /** The free-form string metadata of the checkpoint ({@code __metadata__}, or an index's {@code metadata}). */
    Map<String, String> metadata();

    /** Releases the open files; tensors already read stay valid. */
    @Override
    void close();
}
