package dev.refinery.datasets.parquet;

import java.util.Properties;
import java.util.regex.Pattern;

/**
 * Bounds on DuckDB's native side, which the JVM's -Xmx does not cover: its buffer memory and its worker threads.
 * A validator runs next to other work, so the defaults are small: one thread, and memory for row groups of up to
 * about 250 MB uncompressed.
 */
public record DuckDbLimits(String memoryLimit, int threads) {

    private static final Pattern SIZE = Pattern.compile("\\d+(\\.\\d+)?\\s*(B|KB|MB|GB|KiB|MiB|GiB)");

    // After SIZE: static fields initialise in order and the constructor uses it.
    // DuckDB decodes a whole row group of a list column at once: it needs roughly twice the row group's
    // uncompressed size (measured: a 250 MB row group failed at 384MB and passed at 512MB). Streaming bounds memory
    // by the largest row group, not by the file.
    public static final DuckDbLimits DEFAULT = new DuckDbLimits("512MB", 1);

    public DuckDbLimits {
        if (memoryLimit == null || !SIZE.matcher(memoryLimit).matches()) {
            throw new IllegalArgumentException("memory limit must look like 256MB, was " + memoryLimit);
        }
        if (threads < 1) {
            throw new IllegalArgumentException("threads must be at least 1, was " + threads);
        }
    }

    Properties connectionProperties() {
        Properties properties = new Properties();
        properties.setProperty("memory_limit", memoryLimit);
        properties.setProperty("threads", Integer.toString(threads));
        // Results come to Java chunk by chunk instead of being materialised whole in native memory first.
        properties.setProperty("jdbc_stream_results", "true");
        // Parquet support is built into the driver; never reach for the network to fetch an extension.
        properties.setProperty("autoinstall_known_extensions", "false");
        properties.setProperty("autoload_known_extensions", "false");
        return properties;
    }
}
