package dev.refinery.datasets.tokens;

import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.CodeSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Where {@code engine:FOLDER} and relative {@code tokenizer-json:} specs are looked up: the folder holding
 * the models (the repository's {@code models/}, with the vendored stories260K). In this order:
 * <ol>
 *   <li>{@code REFINERY_MODELS_DIR}, when set;</li>
 *   <li>the nearest {@code models/} above the working directory (a check run inside the repository);</li>
 *   <li>the nearest {@code models/} above the running code (the command-line jar in {@code cli/target}
 *       finds the repository's from anywhere).</li>
 * </ol>
 */
public record ModelsFolder(Path path, String howFound) {

    public static final String VARIABLE = "REFINERY_MODELS_DIR";

    /** How to point at a models folder, for messages. */
    public static final String HOW_TO_POINT = "set " + VARIABLE + "=/path/to/refinery/models (or pass --models-dir DIR to"
            + " `refinery datasets check`)";

    /** The models folder found, or a path that does not exist (named in its {@code howFound}) when there is none. */
    public static ModelsFolder find() {
        return find(System.getenv(VARIABLE), Path.of("").toAbsolutePath(), codeLocation());
    }

    static ModelsFolder find(String variable, Path workingDir, Path codeLocation) {
        if (variable != null && !variable.isBlank()) {
            return new ModelsFolder(Path.of(variable.strip()), "from " + VARIABLE);
        }
        List<String> looked = new ArrayList<>();
        for (Path start : codeLocation == null ? List.of(workingDir) : List.of(workingDir, codeLocation)) {
            Optional<Path> above = nearestAbove(start);
            if (above.isPresent()) {
                return new ModelsFolder(above.get(), start == workingDir ? "above the working directory" : "above " + codeLocation);
            }
            looked.add(start.toString());
        }
        return new ModelsFolder(workingDir.resolve("models"), "none found above " + String.join(" or ", looked) + "; "
                + VARIABLE + " is not set");
    }

    private static Optional<Path> nearestAbove(Path start) {
        for (Path dir = start; dir != null; dir = dir.getParent()) {
            if (Files.isDirectory(dir.resolve("models"))) {
                return Optional.of(dir.resolve("models"));
            }
        }
        return Optional.empty();
    }

    /** The jar or classes folder this code runs from; null when the runtime does not say. */
    private static Path codeLocation() {
        try {
            CodeSource source = ModelsFolder.class.getProtectionDomain().getCodeSource();
            return source == null ? null : Path.of(source.getLocation().toURI()).toAbsolutePath();
        } catch (URISyntaxException | RuntimeException e) {
            return null;
        }
    }
}
