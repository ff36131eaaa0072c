package dev.refinery.engine.io;

import dev.refinery.engine.EngineException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Every malformed file is refused on open with a message that names the file and, where there is one, the tensor. */
class SafeTensorsCorruptionTest {

    @TempDir
    Path dir;

    private EngineException.CorruptCheckpoint corrupt(Path file, String... fragments) {
        EngineException.CorruptCheckpoint e = assertThrows(EngineException.CorruptCheckpoint.class, () -> SafeTensorsFile.open(file));
        assertEquals("ENGINE_CHECKPOINT_CORRUPT", e.code());
        assertTrue(e.getMessage().contains(file.toString()), "names the file: " + e.getMessage());
        for (String f : fragments) {
            assertTrue(e.getMessage().contains(f), "expected '" + f + "' in: " + e.getMessage());
        }
        return e;
    }

    @Test
    void fileShorterThanTheLengthPrefix() throws IOException {
        Path file = Files.write(dir.resolve("short.safetensors"), new byte[] {1, 2, 3});
        corrupt(file, "3 bytes long", "too short");
    }

    @Test
    void headerLengthBeyondTheFile() throws IOException {
        Path file = RawFiles.safetensors(dir.resolve("long.safetensors"), 1000, "{}", new byte[0]);
        corrupt(file, "1000-byte header", "only 10 bytes long");
    }

    @Test
    void headerLengthThatIsNegativeAsSignedIsStillTooLong() throws IOException {
        Path file = RawFiles.safetensors(dir.resolve("neg.safetensors"), -1, "{}", new byte[0]);
        corrupt(file, "18446744073709551615-byte header");
    }

    @Test
    void headerThatIsNotJson() throws IOException {
        Path file = RawFiles.safetensors(dir.resolve("notjson.safetensors"), "{\"a\": nope}", new byte[0]);
        corrupt(file, "not valid JSON");
    }

    @Test
    void headerThatIsJsonButNotAnObject() throws IOException {
        Path file = RawFiles.safetensors(dir.resolve("array.safetensors"), "[1, 2]", new byte[0]);
        corrupt(file, "not a JSON object");
    }

    @Test
    void unknownDtypeIsNamed() throws IOException {
        Path file = RawFiles.safetensors(dir.resolve("dtype.safetensors"),
                "{\"w\":{\"dtype\":\"Q4_K\",\"shape\":[2],\"data_offsets\":[0,2]}}", new byte[2]);
        corrupt(file, "tensor 'w'", "unknown dtype 'Q4_K'");
    }

    @Test
    void offsetsThatDoNotMatchShapeTimesDtype() throws IOException {
        Path file = RawFiles.safetensors(dir.resolve("size.safetensors"),
                "{\"w\":{\"dtype\":\"F32\",\"shape\":[2,3],\"data_offsets\":[0,20]}}", new byte[24]);
        corrupt(file, "tensor 'w'", "spanning 20 bytes", "[2, 3] of F32 needs 24 bytes");
    }

    @Test
    void offsetsOutOfRange() throws IOException {
        Path file = RawFiles.safetensors(dir.resolve("range.safetensors"),
                "{\"w\":{\"dtype\":\"F32\",\"shape\":[0],\"data_offsets\":[8,4]}}", new byte[8]);
        corrupt(file, "tensor 'w'", "out of range", "begin 8 is after end 4");
        Path negative = RawFiles.safetensors(dir.resolve("range2.safetensors"),
                "{\"w\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[-4,0]}}", new byte[8]);
        corrupt(negative, "tensor 'w'", "out of range");
    }

    @Test
    void overlappingTensors() throws IOException {
        Path file = RawFiles.safetensors(dir.resolve("overlap.safetensors"),
                "{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]},"
                        + "\"b\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[4,12]}}", new byte[12]);
        corrupt(file, "'a' [0, 8)", "'b' [4, 12)", "overlap");
    }

    @Test
    void truncatedData() throws IOException {
        Path file = RawFiles.safetensors(dir.resolve("trunc.safetensors"),
                "{\"w\":{\"dtype\":\"F32\",\"shape\":[4],\"data_offsets\":[0,16]}}", new byte[10]);
        corrupt(file, "tensor 'w'", "only 10 data bytes", "truncated");
    }

    @Test
    void malformedShapeAndMissingFields() throws IOException {
        corrupt(RawFiles.safetensors(dir.resolve("shape.safetensors"),
                "{\"w\":{\"dtype\":\"F32\",\"shape\":[-1],\"data_offsets\":[0,0]}}", new byte[0]), "tensor 'w'", "invalid shape");
        corrupt(RawFiles.safetensors(dir.resolve("nodtype.safetensors"),
                "{\"w\":{\"shape\":[1],\"data_offsets\":[0,4]}}", new byte[4]), "tensor 'w'", "no dtype");
        corrupt(RawFiles.safetensors(dir.resolve("dup.safetensors"),
                "{\"w\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]},\"w\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]}}",
                new byte[4]), "not valid JSON", "Duplicate field 'w'");
        corrupt(RawFiles.safetensors(dir.resolve("meta.safetensors"), "{\"__metadata__\":{\"n\":1}}", new byte[0]),
                "__metadata__ entry 'n'");
    }

    @Test
    void recognisedButUnreadableDtypeIsRefusedOnRead() throws IOException {
        Path file = RawFiles.safetensors(dir.resolve("i64.safetensors"),
                "{\"ids\":{\"dtype\":\"I64\",\"shape\":[1],\"data_offsets\":[0,8]}}", new byte[8]);
        try (SafeTensorsFile st = SafeTensorsFile.open(file)) {
            EngineException e = assertThrows(EngineException.UnsupportedArchitecture.class, () -> st.read("ids"));
            assertTrue(e.getMessage().contains("'ids'") && e.getMessage().contains("I64"), e.getMessage());
            EngineException missing = assertThrows(EngineException.CorruptCheckpoint.class, () -> st.read("nope"));
            assertTrue(missing.getMessage().contains("no tensor 'nope'"), missing.getMessage());
        }
    }

    @Test
    void missingFileIsAnInputError() {
        EngineException e = assertThrows(EngineException.InputError.class, () -> SafeTensorsFile.open(dir.resolve("absent.safetensors")));
        assertTrue(e.getMessage().contains("absent.safetensors"), e.getMessage());
    }

    @Test
    void indexProblemsNameTheIndexTensorAndShard() throws IOException {
        SafeTensors.write(dir.resolve("shard.safetensors"),
                Map.of("a", dev.refinery.engine.model.Tensor.zeros("a", 2)), Map.of());
        Path index = dir.resolve(SafeTensors.INDEX_FILE);

        Files.writeString(index, "{\"weight_map\":{\"a\":\"shard.safetensors\",\"b\":\"shard.safetensors\"}}");
        EngineException notInShard = assertThrows(EngineException.CorruptCheckpoint.class, () -> SafeTensors.open(index));
        assertTrue(notInShard.getMessage().contains("'b'") && notInShard.getMessage().contains("does not contain it"), notInShard.getMessage());

        Files.writeString(index, "{\"weight_map\":{\"a\":\"missing.safetensors\"}}");
        EngineException noShard = assertThrows(EngineException.CorruptCheckpoint.class, () -> SafeTensors.open(index));
        assertTrue(noShard.getMessage().contains("missing.safetensors") && noShard.getMessage().contains("does not exist"), noShard.getMessage());

        Files.writeString(index, "{\"weight_map\":{\"a\":\"../elsewhere.safetensors\"}}");
        EngineException escape = assertThrows(EngineException.CorruptCheckpoint.class, () -> SafeTensors.open(index));
        assertTrue(escape.getMessage().contains("outside the index's directory"), escape.getMessage());

        Files.writeString(index, "{\"metadata\":{}}");
        EngineException noMap = assertThrows(EngineException.CorruptCheckpoint.class, () -> SafeTensors.open(index));
        assertTrue(noMap.getMessage().contains("no weight_map"), noMap.getMessage());
    }
}
