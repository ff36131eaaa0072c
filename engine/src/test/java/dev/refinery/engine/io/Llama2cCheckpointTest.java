package dev.refinery.engine.io;

import dev.refinery.engine.EngineException;
import dev.refinery.engine.model.ModelConfig;
import dev.refinery.engine.model.ModelWeights;
import dev.refinery.engine.model.RopeStyle;
import dev.refinery.engine.testing.TestModels;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class Llama2cCheckpointTest {

    @Test
    void readsTheStories260kHeader() {
        ModelConfig c = TestModels.stories260k().config();
        assertEquals(64, c.dim());
        assertEquals(172, c.hiddenDim());
        assertEquals(5, c.nLayers());
        assertEquals(8, c.nHeads());
        assertEquals(4, c.nKvHeads());
        assertEquals(512, c.vocabSize());
        assertEquals(512, c.maxSeqLen());
        assertTrue(c.tiedEmbeddings());
        assertEquals(RopeStyle.INTERLEAVED, c.ropeStyle());
        ModelWeights w = TestModels.stories260k();
        assertFalse(Arrays.equals(w.layers[0].wq.data(), w.layers[1].wq.data()));
    }

    @Test
    void aTruncatedCheckpointIsRefusedWithBothSizes(@TempDir Path tmp) throws Exception {
        byte[] full = Files.readAllBytes(TestModels.stories260kDir().resolve("stories260K.bin"));
        Path cut = tmp.resolve("cut.bin");
        Files.write(cut, Arrays.copyOf(full, full.length - 1000));
        EngineException e = assertThrows(EngineException.CorruptCheckpoint.class, () -> Llama2cCheckpoint.load(cut));
        assertTrue(e.getMessage().contains("expected 1056540 bytes"), e.getMessage());
        assertTrue(e.getMessage().contains("truncated"), e.getMessage());
        assertEquals("ENGINE_CHECKPOINT_CORRUPT", e.code());
    }

    @Test
    void trailingDataIsRefused(@TempDir Path tmp) throws Exception {
        byte[] full = Files.readAllBytes(TestModels.stories260kDir().resolve("stories260K.bin"));
        Path longer = tmp.resolve("long.bin");
        Files.write(longer, Arrays.copyOf(full, full.length + 8));
        EngineException e = assertThrows(EngineException.CorruptCheckpoint.class, () -> Llama2cCheckpoint.load(longer));
        assertTrue(e.getMessage().contains("trailing data"), e.getMessage());
    }

    @Test
    void aHeaderThatDescribesNoValidModelIsRefused(@TempDir Path tmp) throws Exception {
        ByteBuffer b = ByteBuffer.allocate(28 + 64).order(ByteOrder.LITTLE_ENDIAN);
        b.putInt(64).putInt(172).putInt(5).putInt(6).putInt(4).putInt(512).putInt(512); // 6 heads do not divide into 4 kv heads
        Path bad = tmp.resolve("bad.bin");
        Files.write(bad, b.array());
        EngineException e = assertThrows(EngineException.CorruptCheckpoint.class, () -> Llama2cCheckpoint.load(bad));
        assertTrue(e.getMessage().contains("does not describe a valid model"), e.getMessage());
    }

    @Test
    void aFileShorterThanTheHeaderIsRefused(@TempDir Path tmp) throws Exception {
        Path tiny = tmp.resolve("tiny.bin");
        Files.write(tiny, new byte[10]);
        EngineException e = assertThrows(EngineException.CorruptCheckpoint.class, () -> Llama2cCheckpoint.load(tiny));
        assertTrue(e.getMessage().contains("too short"), e.getMessage());
    }

    @Test
    void aMissingFileIsAnInputError(@TempDir Path tmp) {
        EngineException e = assertThrows(EngineException.InputError.class, () -> Llama2cCheckpoint.load(tmp.resolve("nope.bin")));
        assertTrue(e.getMessage().contains("nope.bin"), e.getMessage());
    }
}
