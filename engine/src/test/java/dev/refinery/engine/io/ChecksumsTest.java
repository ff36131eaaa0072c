package dev.refinery.engine.io;

import dev.refinery.engine.EngineException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ChecksumsTest {

    @TempDir
    Path dir;

    @Test
    void matchesTheStandardTestVector() throws IOException {
        Path file = Files.writeString(dir.resolve("abc"), "abc");
        assertEquals("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad", Checksums.sha256(file));
        assertEquals("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
                Checksums.sha256(Files.write(dir.resolve("empty"), new byte[0])));
    }

    @Test
    void streamsFilesLargerThanItsBuffer() throws IOException {
        byte[] data = new byte[(1 << 20) * 2 + 123];
        for (int i = 0; i < data.length; i++) {
            data[i] = (byte) (i * 31);
        }
        Path file = Files.write(dir.resolve("big"), data);
        assertEquals(Checksums.sha256(data), Checksums.sha256(file));
        data[data.length - 1]++;
        assertNotEquals(Checksums.sha256(data), Checksums.sha256(file), "the last byte counts");
    }

    @Test
    void missingFileIsAnInputError() {
        EngineException e = assertThrows(EngineException.InputError.class, () -> Checksums.sha256(dir.resolve("nope")));
        assertTrue(e.getMessage().contains("nope"), e.getMessage());
        assertEquals("ENGINE_INPUT_ERROR", e.code());
    }

    @Test
    void bytesAndFilesAgree() {
        assertEquals("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad",
                Checksums.sha256("abc".getBytes(StandardCharsets.US_ASCII)));
    }
}
