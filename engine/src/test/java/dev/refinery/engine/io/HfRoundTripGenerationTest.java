package dev.refinery.engine.io;

import dev.refinery.engine.generate.GenerationOptions;
import dev.refinery.engine.generate.Generator;
import dev.refinery.engine.model.ModelWeights;
import dev.refinery.engine.model.RopeStyle;
import dev.refinery.engine.testing.TestModels;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * stories260K written as a Hugging Face model (q/k rows permuted to rotate-half) and loaded back
 * generates exactly what the llama2.c checkpoint generates: the layout conversion, the safetensors
 * writer and reader and the HF RoPE path agree end to end.
 */
class HfRoundTripGenerationTest {

    @Test
    void theHfExportOfStories260kGeneratesTheSameTokens(@TempDir Path tmp) {
        ModelWeights original = TestModels.stories260k();
        HfModelWriter.write(original, tmp, new SpecialTokenIds(1, List.of(2)));
        ModelWeights reloaded = HfModelLoader.load(tmp);

        assertEquals(RopeStyle.HALF, reloaded.config().ropeStyle());
        int[] prompt = {1, 403, 407, 261, 378};
        int[] a = new Generator(original).generate(prompt, GenerationOptions.greedy(60, 1)).tokens();
        int[] b = new Generator(reloaded).generate(prompt, GenerationOptions.greedy(60, 1)).tokens();
        assertArrayEquals(a, b, Arrays.toString(a) + " vs " + Arrays.toString(b));
    }
}
