package dev.refinery.bench;

import dev.refinery.engine.LanguageModel;
import dev.refinery.engine.io.HfModelWriter;
import dev.refinery.engine.io.Llama2cCheckpoint;
import dev.refinery.engine.io.SpecialTokenIds;
import dev.refinery.engine.lora.LoraConfig;
import dev.refinery.engine.model.ModelConfig;
import dev.refinery.engine.model.ModelWeights;
import dev.refinery.engine.nn.TokenBatch;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.SplittableRandom;

/**
 * The two model sizes the engine benchmarks use, and the batch they run on. bench/torch/lora_step.py
 * builds the same shapes, so the two tables compare like with like.
 */
final class BenchModels {

    static final int BATCH = 8;
    static final int SEQ_LEN = 256;
    /** LoRA r=8, alpha=16, no dropout, on q, k, v, o, gate, up and down. */
    static final LoraConfig LORA = new LoraConfig(8, 16f, 0f, LoraConfig.allLinear());

    private BenchModels() {
    }

    /** A named model to benchmark. */
    record Model(String name, ModelWeights weights) {
        ModelConfig config() {
            return weights.config();
        }
    }

    /** The vendored stories260K checkpoint (dim 64, 5 layers, 8/4 heads, vocab 512). */
    static Model stories260k() {
        return new Model("stories260K", Llama2cCheckpoint.load(findStories260k()));
    }

    /** The llama2.c "stories15M" shape with random weights: dim 288, 6 layers, 6 heads, hidden 768, vocab 32000. */
    static Model stories15mShape() {
        ModelConfig c = ModelConfig.llama2c(288, 768, 6, 6, 6, 32000, SEQ_LEN);
        return new Model("15M (random)", ModelWeights.random(c, 15));
    }

    /**
     * {@code m} as a {@link LanguageModel}, which is what the serving engine takes: its weights written as a Hugging Face
     * directory under {@code dir} (F32 safetensors, read back by the engine's own loader) with a stand-in BPE
     * tokenizer.json of one made-up piece per id ({@code <unk>}, {@code <s>}, {@code </s>}, then {@code t3}, {@code t4}, ...).
     * For benchmarks that feed token ids: the tokenizer only turns generated ids back into (meaningless) text.
     */
    static LanguageModel asLanguageModel(Model m, Path dir) throws IOException {
        HfModelWriter.write(m.weights(), dir, SpecialTokenIds.of(1, 2));
        StringBuilder vocab = new StringBuilder("\"<unk>\": 0, \"<s>\": 1, \"</s>\": 2");
        for (int id = 3; id < m.config().vocabSize(); id++) {
            vocab.append(", \"t").append(id).append("\": ").append(id);
        }
        Files.writeString(dir.resolve("tokenizer.json"), "{\"version\": \"1.0\", \"added_tokens\": [], \"normalizer\": null,"
                + " \"pre_tokenizer\": null, \"decoder\": null, \"model\": {\"type\": \"BPE\", \"unk_token\": \"<unk>\", \"vocab\": {"
                + vocab + "}, \"merges\": []}}", StandardCharsets.UTF_8);
        return LanguageModel.load(dir);
    }

    /** {@link #BATCH} sequences of {@link #SEQ_LEN} random tokens; every position after the first is a target. */
    static TokenBatch randomBatch(ModelConfig c, long seed) {
        SplittableRandom rnd = new SplittableRandom(seed);
        TokenBatch.Builder b = new TokenBatch.Builder(c.maxSeqLen());
        for (int s = 0; s < BATCH; s++) {
            int[] ids = new int[SEQ_LEN];
            boolean[] mask = new boolean[SEQ_LEN];
            for (int i = 0; i < SEQ_LEN; i++) {
                ids[i] = rnd.nextInt(c.vocabSize());
                mask[i] = true;
            }
            b.add(ids, mask);
        }
        return b.build();
    }

    private static Path findStories260k() {
        Path p = Path.of("").toAbsolutePath();
        while (p != null) {
            Path candidate = p.resolve("models/stories260K/stories260K.bin");
            if (Files.isRegularFile(candidate)) {
                return candidate;
            }
            p = p.getParent();
        }
        throw new IllegalStateException("cannot find models/stories260K/stories260K.bin above " + Path.of("").toAbsolutePath());
    }
}
