package dev.refinery.providers.spec;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Objects;

/**
 * One training or validation file as the backends upload it: a name for the provider, its format, its exact
 * size (providers and presigned URLs need the length up front) and a re-openable source of its bytes, so a
 * file in S3 can be streamed without landing on disk.
 */
public record DatasetFile(String fileName, DatasetFormat format, long sizeBytes, ContentSource content) {

    public DatasetFile {
        Objects.requireNonNull(fileName, "fileName");
        Objects.requireNonNull(format, "format");
        Objects.requireNonNull(content, "content");
        if (fileName.isBlank()) {
            throw new SpecException("DATASET_FILE_NAME_MISSING", "datasets.fileName", "a dataset file needs a name");
        }
        if (sizeBytes <= 0) {
            throw new SpecException("DATASET_FILE_EMPTY", "datasets.sizeBytes",
                    "dataset file '" + fileName + "' has " + sizeBytes + " bytes; providers reject empty files");
        }
    }

    /** A local file; the format comes from its extension ({@code .jsonl} or {@code .parquet}). */
    public static DatasetFile of(Path path) {
        String name = path.getFileName().toString();
        String lower = name.toLowerCase(Locale.ROOT);
        DatasetFormat format;
        if (lower.endsWith(".jsonl")) {
            format = DatasetFormat.JSONL;
        } else if (lower.endsWith(".parquet")) {
            format = DatasetFormat.PARQUET;
        } else {
            throw new SpecException("DATASET_FORMAT_UNSUPPORTED", "datasets.fileName",
                    "'" + name + "' is neither .jsonl nor .parquet, the two formats the providers train on");
        }
        return of(path, format);
    }

    public static DatasetFile of(Path path, DatasetFormat format) {
        long size;
        try {
            size = Files.size(path);
        } catch (IOException e) {
            throw new SpecException("DATASET_FILE_UNREADABLE", "datasets", "cannot read " + path + ": " + e.getMessage());
        }
        return new DatasetFile(path.getFileName().toString(), format, size, () -> Files.newInputStream(path));
    }
}
