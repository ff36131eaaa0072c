package dev.refinery.engine.io;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.refinery.engine.EngineException;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/** Reading and writing the small JSON side files of checkpoints (config.json, indexes, adapter configs). */
final class JsonFiles {

    static final ObjectMapper MAPPER = new ObjectMapper()
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
            .enable(SerializationFeature.INDENT_OUTPUT);

    private JsonFiles() {
    }

    /** A JSON object from a file; a missing file is an input error, malformed content a corrupt checkpoint. */
    static ObjectNode readObject(Path file, String what) {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            throw new EngineException.InputError(what + " " + file + " does not exist", e);
        } catch (IOException e) {
            throw new EngineException.InputError("cannot read " + what + " " + file + ": " + e.getMessage(), e);
        }
        JsonNode root;
        try {
            root = MAPPER.readTree(bytes);
        } catch (JsonProcessingException e) {
            throw new EngineException.CorruptCheckpoint(what + " " + file + " is not valid JSON: " + e.getOriginalMessage(), e);
        } catch (IOException e) {
            throw new EngineException.CorruptCheckpoint(what + " " + file + " is not valid JSON: " + e.getMessage(), e);
        }
        if (root == null || !root.isObject()) {
            throw new EngineException.CorruptCheckpoint(what + " " + file + " is not a JSON object");
        }
        return (ObjectNode) root;
    }

    static void write(Path file, JsonNode node) {
        try {
            Files.write(file, MAPPER.writeValueAsBytes(node));
        } catch (IOException e) {
            throw new EngineException.OutputError("cannot write " + file + ": " + e.getMessage(), e);
        }
    }
}
