package dev.refinery.engine;

import dev.refinery.engine.chat.ChatMessage;
import dev.refinery.engine.chat.ChatTemplate;
import dev.refinery.engine.chat.ChatTemplates;
import dev.refinery.engine.chat.EncodedChat;
import dev.refinery.engine.generate.GenerationOptions;
import dev.refinery.engine.generate.GenerationResult;
import dev.refinery.engine.generate.Generator;
import dev.refinery.engine.io.Checksums;
import dev.refinery.engine.io.HfModelLoader;
import dev.refinery.engine.io.Llama2cCheckpoint;
import dev.refinery.engine.io.LoraMerger;
import dev.refinery.engine.io.PeftAdapterIo;
import dev.refinery.engine.lora.LoraAdapter;
import dev.refinery.engine.model.ModelWeights;
import dev.refinery.engine.nn.TokenBatch;
import dev.refinery.engine.nn.Transformer;
import dev.refinery.engine.tokenizer.Tokenizer;
import dev.refinery.engine.tokenizer.TokenizerLoader;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * A model ready to use: weights, its tokenizer and its chat template, loaded from either a llama2.c
 * checkpoint (with a {@code tok*.bin} beside it) or a Hugging Face directory. This is the engine's
 * front door for generation, scoring and training data encoding.
 */
public final class LanguageModel {

    private final String name;
    private final String fingerprint;
    private final ModelWeights weights;
    private final Tokenizer tokenizer;
    private final ChatTemplate template;

    private LanguageModel(String name, String fingerprint, ModelWeights weights, Tokenizer tokenizer, ChatTemplate template) {
        this.name = name;
        this.fingerprint = fingerprint;
        this.weights = weights;
        this.tokenizer = tokenizer;
        this.template = template;
    }

    /**
     * Loads a model from a llama2.c {@code .bin} file, a directory holding one, or a Hugging Face model
     * directory ({@code config.json} + safetensors + {@code tokenizer.json}).
     */
    public static LanguageModel load(Path path) {
        if (!Files.exists(path)) {
            throw new EngineException.InputError("model path " + path + " does not exist");
        }
        if (Files.isDirectory(path) && Files.isRegularFile(path.resolve(HfModelLoader.CONFIG_FILE))) {
            ModelWeights w = HfModelLoader.load(path);
            Tokenizer tok = TokenizerLoader.load(path, w.config().vocabSize());
            return new LanguageModel(path.getFileName().toString(), directoryFingerprint(path), w, tok, ChatTemplates.forModel(path, tok));
        }
        Path checkpoint = Files.isDirectory(path) ? findOne(path, ".bin", "tok") : path;
        ModelWeights w = Llama2cCheckpoint.load(checkpoint);
        Path tokFile = llama2cTokenizer(checkpoint.toAbsolutePath().getParent(), w.config().vocabSize());
        Tokenizer tok = TokenizerLoader.load(tokFile, w.config().vocabSize());
        String n = checkpoint.getFileName().toString().replaceFirst("\\.bin$", "");
        return new LanguageModel(n, Checksums.sha256(checkpoint), w, tok, ChatTemplates.forModel(checkpoint.getParent(), tok));
    }

    /** The same model with a LoRA adapter merged in (the base stays untouched). */
    public LanguageModel withAdapter(LoraAdapter adapter) {
        return new LanguageModel(name + "+adapter", fingerprint, LoraMerger.merge(weights, adapter), tokenizer, template);
    }

    /** Reads a PEFT adapter directory, refusing one recorded for a different base model, and merges it. */
    public LanguageModel withAdapter(Path adapterDir) {
        return withAdapter(PeftAdapterIo.read(adapterDir, weights.config(), fingerprint));
    }

    /**
     * This model's tokenizer and chat template over other weights of the same shape: the result of fully fine-tuning it
     * (training changes weights, never the vocabulary or the architecture).
     */
    public LanguageModel withWeights(ModelWeights trained) {
        var mine = weights.config();
        var theirs = trained.config();
        if (mine.dim() != theirs.dim() || mine.nLayers() != theirs.nLayers() || mine.vocabSize() != theirs.vocabSize()
                || mine.hiddenDim() != theirs.hiddenDim() || mine.nHeads() != theirs.nHeads() || mine.nKvHeads() != theirs.nKvHeads()) {
            throw new EngineException.ShapeMismatch("the weights (dim " + theirs.dim() + ", " + theirs.nLayers() + " layers, vocabulary "
                    + theirs.vocabSize() + ") are not a fine-tune of " + name + " (dim " + mine.dim() + ", " + mine.nLayers()
                    + " layers, vocabulary " + mine.vocabSize() + ")");
        }
        return new LanguageModel(name + "+full", fingerprint, trained, tokenizer, template);
    }

    /** Reads a whole model directory (config.json + safetensors, as a full fine-tune writes it) and uses it with this tokenizer. */
    public LanguageModel withWeights(Path modelDir) {
        return withWeights(HfModelLoader.load(modelDir));
    }

    public String name() {
        return name;
    }

    /** sha256 identifying the base weights (file hash, or a hash of the directory's weight files). */
    public String fingerprint() {
        return fingerprint;
    }

    public ModelWeights weights() {
        return weights;
    }

    public Tokenizer tokenizer() {
        return tokenizer;
    }

    public ChatTemplate template() {
        return template;
    }

    /** The assistant's reply to a conversation. */
    public Reply reply(List<ChatMessage> conversation, GenerationOptions options) {
        int[] prompt = template.encodePrompt(conversation);
        GenerationOptions withStops = options.stopTokens().length > 0 ? options : options.withStopTokens(template.stopTokenIds());
        GenerationResult r = new Generator(weights).generate(prompt, withStops);
        return new Reply(tokenizer.decode(r.tokens()), r.tokens().length, prompt.length, r.finish());
    }

    /** Log-likelihood of the assistant tokens of a complete conversation under this model. */
    public Score score(List<ChatMessage> conversation) {
        EncodedChat chat = template.encodeForTraining(conversation);
        TokenBatch batch = new TokenBatch.Builder(weights.config().maxSeqLen()).add(chat.ids(), chat.assistantMask()).build();
        Transformer.LossResult loss = new Transformer(weights, null).loss(batch);
        return new Score(-loss.nllSum(), loss.targetCount());
    }

    /**
     * Log-likelihood of plain text, outside any chat template: every token after BOS is a target. What a base model was
     * pretrained on is plain text, so this is how much a fine-tune changed what it knew (a forgetting check).
     */
    public Score scoreText(String text) {
        int[] ids = withBos(tokenizer.encode(text));
        boolean[] targets = new boolean[ids.length];
        java.util.Arrays.fill(targets, tokenizer.bosId() >= 0 ? 1 : 0, ids.length, true);
        TokenBatch batch = new TokenBatch.Builder(weights.config().maxSeqLen()).add(ids, targets).build();
        Transformer.LossResult loss = new Transformer(weights, null).loss(batch);
        return new Score(-loss.nllSum(), loss.targetCount());
    }

    /** Plain text continuing {@code prefix}, outside any chat template (stops at EOS or {@code options}' limit). */
    public String continueText(String prefix, GenerationOptions options) {
        GenerationOptions withStops = options.stopTokens().length > 0 || tokenizer.eosId() < 0 ? options
                : options.withStopTokens(new int[]{tokenizer.eosId()});
        return tokenizer.decode(new Generator(weights).generate(withBos(tokenizer.encode(prefix)), withStops).tokens());
    }

    private int[] withBos(int[] ids) {
        if (tokenizer.bosId() < 0) {
            return ids;
        }
        int[] out = new int[ids.length + 1];
        out[0] = tokenizer.bosId();
        System.arraycopy(ids, 0, out, 1, ids.length);
        return out;
    }

    /** Scores many conversations in batches (for held-out loss). */
    public List<Score> scoreAll(List<List<ChatMessage>> conversations) {
        List<Score> out = new ArrayList<>();
        Transformer model = new Transformer(weights, null);
        for (List<ChatMessage> c : conversations) {
            EncodedChat chat = template.encodeForTraining(c);
            TokenBatch batch = new TokenBatch.Builder(weights.config().maxSeqLen()).add(chat.ids(), chat.assistantMask()).build();
            Transformer.LossResult loss = model.loss(batch);
            out.add(new Score(-loss.nllSum(), loss.targetCount()));
        }
        return out;
    }

    /**
     * A generated reply.
     *
     * @param text         decoded text
     * @param tokens       generated tokens
     * @param promptTokens tokens of the rendered prompt
     * @param finish       why generation ended
     */
    public record Reply(String text, int tokens, int promptTokens, GenerationResult.FinishReason finish) {
    }

    /**
     * Log-likelihood of a completion.
     *
     * @param logLikelihood sum of log-probabilities of the assistant tokens (natural log)
     * @param tokens        number of scored tokens
     */
    public record Score(double logLikelihood, int tokens) {
        public double meanNegativeLogLikelihood() {
            return tokens == 0 ? Double.NaN : -logLikelihood / tokens;
        }
    }

    private static Path llama2cTokenizer(Path dir, int vocab) {
        Path exact = dir.resolve("tok" + vocab + ".bin");
        if (Files.isRegularFile(exact)) {
            return exact;
        }
        Path generic = dir.resolve("tokenizer.bin");
        if (Files.isRegularFile(generic)) {
            return generic;
        }
        return findOne(dir, ".bin", null, "tok");
    }

    /** The single file in dir ending with suffix (optionally excluding or requiring a name prefix). */
    private static Path findOne(Path dir, String suffix, String excludePrefix) {
        return findOne(dir, suffix, excludePrefix, null);
    }

    private static Path findOne(Path dir, String suffix, String excludePrefix, String requirePrefix) {
        try (Stream<Path> files = Files.list(dir)) {
            List<Path> found = files.filter(p -> {
                String f = p.getFileName().toString();
                return f.endsWith(suffix) && (excludePrefix == null || !f.startsWith(excludePrefix))
                        && (requirePrefix == null || f.startsWith(requirePrefix));
            }).sorted().toList();
            if (found.size() != 1) {
                throw new EngineException.InputError("expected exactly one " + (requirePrefix == null ? "" : requirePrefix + "*") + suffix
                        + " file in " + dir + " but found " + found.size() + (found.isEmpty() ? "" : ": " + found));
            }
            return found.get(0);
        } catch (IOException e) {
            throw new EngineException.InputError("cannot list " + dir + ": " + e.getMessage(), e);
        }
    }

    /** sha256 over the names and hashes of config.json and every safetensors file, in name order. */
    private static String directoryFingerprint(Path dir) {
        try (Stream<Path> files = Files.list(dir)) {
            StringBuilder sb = new StringBuilder();
            for (Path p : files.filter(f -> {
                String n = f.getFileName().toString();
                return n.equals(HfModelLoader.CONFIG_FILE) || n.endsWith(".safetensors");
            }).sorted().toList()) {
                sb.append(p.getFileName()).append(':').append(Checksums.sha256(p)).append('\n');
            }
            return Checksums.sha256(sb.toString().getBytes(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new EngineException.InputError("cannot list " + dir + ": " + e.getMessage(), e);
        }
    }
}
