package dev.refinery.engine.io;

import com.fasterxml.jackson.databind.JsonNode;
import dev.refinery.engine.EngineException;
import dev.refinery.engine.model.Tensor;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A checkpoint split over several safetensors files, described by an index such as
 * {@code model.safetensors.index.json}: {@code {"metadata": {...}, "weight_map": {tensor: shard file}}}.
 * Every shard is opened and validated up front, and every mapped tensor is checked to exist in its shard.
 */
public final class ShardedSafeTensors implements TensorStore {

    private final Path index;
    private final Map<String, SafeTensorsFile> shardOfTensor;
    private final List<SafeTensorsFile> shards;
    private final Map<String, String> metadata;

    private ShardedSafeTensors(Path index, Map<String, SafeTensorsFile> shardOfTensor, List<SafeTensorsFile> shards,
                               Map<String, String> metadata) {
        this.index = index;
        this.shardOfTensor = Collections.unmodifiableMap(shardOfTensor);
        this.shards = shards;
        this.metadata = Collections.unmodifiableMap(metadata);
    }

    public static ShardedSafeTensors open(Path indexFile) {
        JsonNode root = JsonFiles.readObject(indexFile, "safetensors index");
        JsonNode weightMap = root.get("weight_map");
        if (weightMap == null || !weightMap.isObject()) {
            throw new EngineException.CorruptCheckpoint("safetensors index " + indexFile + " has no weight_map object");
        }
        Map<String, String> metadata = new LinkedHashMap<>();
        JsonNode meta = root.get("metadata");
        if (meta != null && meta.isObject()) {
            // The index's metadata holds numbers such as total_size; keep them as text like safetensors metadata.
            meta.fields().forEachRemaining(e -> metadata.put(e.getKey(), e.getValue().isTextual() ? e.getValue().textValue() : e.getValue().toString()));
        }
        Path directory = indexFile.toAbsolutePath().getParent();
        Map<String, SafeTensorsFile> openShards = new LinkedHashMap<>();
        Map<String, SafeTensorsFile> shardOfTensor = new LinkedHashMap<>();
        try {
            Iterator<Map.Entry<String, JsonNode>> it = weightMap.fields();
            while (it.hasNext()) {
                Map.Entry<String, JsonNode> e = it.next();
                String tensor = e.getKey();
                if (!e.getValue().isTextual()) {
                    throw new EngineException.CorruptCheckpoint("safetensors index " + indexFile + " maps tensor '" + tensor
                            + "' to " + e.getValue() + ", not a file name");
                }
                String shardName = e.getValue().textValue();
                SafeTensorsFile shard = openShards.get(shardName);
                if (shard == null) {
                    shard = SafeTensorsFile.open(resolveShard(indexFile, directory, tensor, shardName));
                    openShards.put(shardName, shard);
                }
                if (!shard.contains(tensor)) {
                    throw new EngineException.CorruptCheckpoint("safetensors index " + indexFile + " places tensor '" + tensor
                            + "' in " + shardName + ", which does not contain it");
                }
                shardOfTensor.put(tensor, shard);
            }
        } catch (RuntimeException e) {
            openShards.values().forEach(SafeTensorsFile::close);
            throw e;
        }
        return new ShardedSafeTensors(indexFile, shardOfTensor, new ArrayList<>(openShards.values()), metadata);
    }

    /** Shards must sit next to the index: a weight_map entry may not reach elsewhere in the file system. */
    private static Path resolveShard(Path indexFile, Path directory, String tensor, String shardName) {
        Path shard = directory.resolve(shardName).normalize();
        if (!shard.getParent().equals(directory.normalize())) {
            throw new EngineException.CorruptCheckpoint("safetensors index " + indexFile + " places tensor '" + tensor
                    + "' in '" + shardName + "', outside the index's directory");
        }
        if (!Files.isRegularFile(shard)) {
            throw new EngineException.CorruptCheckpoint("safetensors index " + indexFile + " places tensor '" + tensor
                    + "' in " + shardName + ", which does not exist");
        }
        return shard;
    }

    public Path index() {
        return index;
    }

    @Override
    public Set<String> names() {
        return shardOfTensor.keySet();
    }

    @Override
    public TensorEntry entry(String name) {
        return shard(name).entry(name);
    }

    @Override
    public Tensor read(String name) {
        return shard(name).read(name);
    }

    @Override
    public Path fileOf(String name) {
        return shard(name).file();
    }

    private SafeTensorsFile shard(String name) {
        SafeTensorsFile shard = shardOfTensor.get(name);
        if (shard == null) {
            throw new EngineException.CorruptCheckpoint("safetensors index " + index + " has no tensor '" + name + "'");
        }
        return shard;
    }

    @Override
    public Map<String, String> metadata() {
        return metadata;
    }

    @Override
    public void close() {
        shards.forEach(SafeTensorsFile::close);
    }
}
