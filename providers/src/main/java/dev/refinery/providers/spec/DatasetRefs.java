package dev.refinery.providers.spec;

import java.util.Objects;
import java.util.Optional;

/** The training file and the optional validation file of a job. */
public record DatasetRefs(DatasetFile training, DatasetFile validation) {

    public DatasetRefs {
        Objects.requireNonNull(training, "training");
    }

    public static DatasetRefs trainingOnly(DatasetFile training) {
        return new DatasetRefs(training, null);
    }

    public Optional<DatasetFile> validationFile() {
        return Optional.ofNullable(validation);
    }
}
