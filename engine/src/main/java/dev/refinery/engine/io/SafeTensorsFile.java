package dev.refinery.engine.io;

import dev.refinery.engine.EngineException;
import dev.refinery.engine.model.Tensor;

import java.io.IOException;
import java.nio.ByteOrder;
import java.nio.MappedByteBuffer;
import java.nio.ShortBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Map;
import java.util.Set;

/**
 * One safetensors file, opened for lazy reading. The header is validated on open; tensor data is
 * memory-mapped and converted straight into the float array of the returned {@link Tensor}, so the file
 * is never copied into an intermediate byte array.
 */
public final class SafeTensorsFile implements TensorStore {

    /** Largest single mapping; a multiple of every element size. Java caps one mapping at 2 GiB. */
    static final long MAP_CHUNK_BYTES = 1L << 28;
    private static final int CONVERT_BATCH = 1 << 14;

    private final Path file;
    private final FileChannel channel;
    private final SafeTensorsHeader header;
    private final long mapChunkBytes;

    private SafeTensorsFile(Path file, FileChannel channel, SafeTensorsHeader header, long mapChunkBytes) {
        this.file = file;
        this.channel = channel;
        this.header = header;
        this.mapChunkBytes = mapChunkBytes;
    }

    /** Opens and validates a file; throws {@link EngineException.CorruptCheckpoint} naming the problem. */
    public static SafeTensorsFile open(Path file) {
        return open(file, MAP_CHUNK_BYTES);
    }

    /** Opens with a given mapping size, so that tests can exercise multi-chunk reads on small files. */
    static SafeTensorsFile open(Path file, long mapChunkBytes) {
        if (mapChunkBytes <= 0 || mapChunkBytes % 8 != 0) {
            throw new IllegalArgumentException("mapping size must be a positive multiple of 8, got " + mapChunkBytes);
        }
        FileChannel channel;
        try {
            channel = FileChannel.open(file, StandardOpenOption.READ);
        } catch (NoSuchFileException e) {
            throw new EngineException.InputError("safetensors file " + file + " does not exist", e);
        } catch (IOException e) {
            throw new EngineException.InputError("cannot open safetensors file " + file + ": " + e.getMessage(), e);
        }
        try {
            return new SafeTensorsFile(file, channel, SafeTensorsHeader.read(file, channel), mapChunkBytes);
        } catch (IOException e) {
            closeQuietly(channel);
            throw new EngineException.InputError("cannot read safetensors file " + file + ": " + e.getMessage(), e);
        } catch (RuntimeException e) {
            closeQuietly(channel);
            throw e;
        }
    }

    public Path file() {
        return file;
    }

    @Override
    public Set<String> names() {
        return header.entries.keySet();
    }

    @Override
    public TensorEntry entry(String name) {
        TensorEntry e = header.entries.get(name);
        if (e == null) {
            throw new EngineException.CorruptCheckpoint("safetensors file " + file + " has no tensor '" + name + "'");
        }
        return e;
    }

    @Override
    public Path fileOf(String name) {
        entry(name);
        return file;
    }

    @Override
    public Map<String, String> metadata() {
        return header.metadata;
    }

    @Override
    public Tensor read(String name) {
        TensorEntry e = entry(name);
        if (!e.dtype().readable()) {
            throw new EngineException.UnsupportedArchitecture("tensor '" + name + "' in " + file + " has dtype " + e.dtype()
                    + "; the engine reads only F32, F16 and BF16");
        }
        long count = e.elementCount();
        // Leave headroom below Integer.MAX_VALUE: JVMs refuse arrays right at the limit.
        if (count > Integer.MAX_VALUE - 8) {
            throw new EngineException.UnsupportedArchitecture("tensor '" + name + "' in " + file + " has " + count
                    + " elements, more than one Java array can hold");
        }
        float[] values = new float[(int) count];
        try {
            readInto(e, values);
        } catch (IOException ex) {
            throw new EngineException.InputError("cannot read tensor '" + name + "' from " + file + ": " + ex.getMessage(), ex);
        }
        return new Tensor(name, e.shape(), values);
    }

    private void readInto(TensorEntry e, float[] values) throws IOException {
        int elementSize = e.dtype().byteSize();
        long position = header.dataStart + e.begin();
        int written = 0;
        while (written < values.length) {
            long bytes = Math.min(mapChunkBytes, (long) (values.length - written) * elementSize);
            MappedByteBuffer mapped = channel.map(FileChannel.MapMode.READ_ONLY, position, bytes);
            mapped.order(ByteOrder.LITTLE_ENDIAN);
            int n = (int) (bytes / elementSize);
            switch (e.dtype()) {
                case F32 -> mapped.asFloatBuffer().get(values, written, n);
                case F16, BF16 -> convertHalves(mapped.asShortBuffer(), e.dtype(), values, written, n);
                default -> throw new IllegalStateException("unreadable dtype " + e.dtype());
            }
            written += n;
            position += bytes;
        }
    }

    private static void convertHalves(ShortBuffer source, SafeTensorsDtype dtype, float[] values, int offset, int count) {
        short[] batch = new short[Math.min(CONVERT_BATCH, count)];
        int done = 0;
        while (done < count) {
            int n = Math.min(batch.length, count - done);
            source.get(batch, 0, n);
            for (int i = 0; i < n; i++) {
                values[offset + done + i] = dtype == SafeTensorsDtype.F16
                        ? HalfPrecision.halfToFloat(batch[i])
                        : HalfPrecision.bfloat16ToFloat(batch[i]);
            }
            done += n;
        }
    }

    @Override
    public void close() {
        closeQuietly(channel);
    }

    private static void closeQuietly(FileChannel channel) {
        try {
            channel.close();
        } catch (IOException ignored) {
            // Read-only channel: nothing was buffered, so a failed close loses nothing.
        }
    }

    @Override
    public String toString() {
        return "SafeTensorsFile[" + file + ", " + header.entries.size() + " tensors]";
    }
}
