package dev.refinery.providers.spi;

import dev.refinery.providers.spec.SpecField;

import java.util.Set;

/**
 * What a backend can do, so a caller can refuse a spec before uploading anything. {@code settings} lists the
 * spec fields the backend sends to its provider; a field a user set that is not in it is refused at create.
 */
public record Capabilities(
        boolean dpo,
        boolean fullTraining,
        boolean loraParameters,
        boolean fromCheckpoint,
        boolean pauseResume,
        boolean download,
        Set<SpecField<?>> settings) {

    public Capabilities {
        settings = Set.copyOf(settings);
    }
}
