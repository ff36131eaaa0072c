package dev.refinery.datasets.tokens;

import dev.refinery.engine.EngineException;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;

/**
 * Resolves the tokenizer spec a catalog entry names to a {@link TokenCounter}:
 * <ul>
 *   <li>{@code tiktoken:o200k_base}, {@code tiktoken:cl100k_base}: OpenAI models;</li>
 *   <li>{@code tokenizer-json:<path>}: a tokenizer.json, or a folder holding one (with its
 *       tokenizer_config.json for the chat template); a relative path is resolved against the models folder;</li>
 *   <li>{@code engine:<folder>}: a model folder under the models folder, as the engine loads it
 *       (e.g. {@code engine:stories260K});</li>
 *   <li>{@code estimate:<model name>}: no tokenizer, an estimate labelled as one.</li>
 * </ul>
 * Loading a tokenizer.json takes a moment and some memory: resolve a spec once and share the counter.
 */
public final class TokenCounters {

    private TokenCounters() {
    }

    /** @throws TokenizerUnavailableException when the spec is malformed or its tokenizer cannot be read */
    public static TokenCounter forSpec(String spec, Path modelsDir) {
        if (spec == null || spec.isBlank()) {
            throw unavailable(String.valueOf(spec), "no tokenizer spec given");
        }
        int colon = spec.indexOf(':');
        String scheme = colon < 0 ? spec : spec.substring(0, colon);
        String argument = colon < 0 ? "" : spec.substring(colon + 1).strip();
        if (argument.isEmpty()) {
            throw unavailable(spec, "the spec names no tokenizer after '" + scheme + ":'");
        }
        return switch (scheme) {
            case "tiktoken" -> tiktoken(spec, argument);
            case "tokenizer-json" -> tokenizerJson(spec, resolve(spec, modelsDir, argument));
            case "engine" -> engineModel(spec, modelsDir, argument);
            case "estimate" -> estimate(argument);
            default -> throw unavailable(spec, "unknown tokenizer scheme '" + scheme + "'");
        };
    }

    /** The fallback when a model's tokenizer is not available; its counts say they are an estimate. */
    public static TokenCounter estimate(String modelName) {
        return new EstimateCounter(modelName);
    }

    private static TokenCounter tiktoken(String spec, String encoding) {
        return Arrays.stream(TiktokenCounter.Vocabulary.values())
                .filter(v -> v.encodingName().equals(encoding.toLowerCase(Locale.ROOT)))
                .findFirst()
                .<TokenCounter>map(TiktokenCounter::new)
                .orElseThrow(() -> unavailable(spec, "unknown tiktoken encoding '" + encoding + "' (known: o200k_base, cl100k_base)"));
    }

    private static TokenCounter tokenizerJson(String spec, Path path) {
        if (!Files.exists(path)) {
            throw unavailable(spec, path + " does not exist");
        }
        try {
            return EngineTokenizers.huggingFace(path, "tokenizer.json in " + (Files.isDirectory(path) ? path : path.getParent()));
        } catch (EngineException e) {
            throw unavailable(spec, "cannot use " + path + ": " + e.getMessage(), e);
        } catch (UncheckedIOException e) {
            throw unavailable(spec, "cannot read " + path + ": " + e.getMessage(), e);
        }
    }

    private static TokenCounter engineModel(String spec, Path modelsDir, String folderName) {
        if (modelsDir == null) {
            throw unavailable(spec, "no models folder is configured to look for '" + folderName + "' in");
        }
        if (folderName.contains("/") || folderName.contains("\\") || folderName.equals("..") || folderName.equals(".")) {
            throw unavailable(spec, "'" + folderName + "' must be the name of a folder directly under the models folder " + modelsDir);
        }
        Path dir = modelsDir.resolve(folderName);
        if (!Files.isDirectory(dir)) {
            throw unavailable(spec, "no model folder " + dir + " (the models folder is found from " + ModelsFolder.VARIABLE
                    + ", then as the nearest models/ above the working directory or above the Refinery installation); "
                    + ModelsFolder.HOW_TO_POINT);
        }
        try {
            EngineTokenCounter counter = EngineTokenizers.modelFolder(dir, folderName);
            if (counter == null) {
                throw unavailable(spec, dir + " holds neither a tokenizer.json nor a llama2.c checkpoint with its tok*.bin");
            }
            return counter;
        } catch (EngineException e) {
            throw unavailable(spec, "cannot use the tokenizer in " + dir + ": " + e.getMessage(), e);
        } catch (IOException | UncheckedIOException e) {
            throw unavailable(spec, "cannot read " + dir + ": " + e.getMessage(), e);
        }
    }

    private static Path resolve(String spec, Path modelsDir, String argument) {
        try {
            Path path = Path.of(argument);
            return path.isAbsolute() || modelsDir == null ? path : modelsDir.resolve(path);
        } catch (InvalidPathException e) {
            throw unavailable(spec, "'" + argument + "' is not a valid path: " + e.getReason());
        }
    }

    private static TokenizerUnavailableException unavailable(String spec, String why) {
        return new TokenizerUnavailableException(spec, message(spec, why));
    }

    private static TokenizerUnavailableException unavailable(String spec, String why, Throwable cause) {
        return new TokenizerUnavailableException(spec, message(spec, why), cause);
    }

    private static String message(String spec, String why) {
        return "tokenizer '" + spec + "' is not available: " + why + ". Use tiktoken:o200k_base, tiktoken:cl100k_base,"
                + " tokenizer-json:<file or folder>, engine:<model folder>, or estimate:<model name> for counts labelled"
                + " as an estimate";
    }
}
