package dev.refinery.engine.io;

import dev.refinery.engine.EngineException;
import dev.refinery.engine.model.ModelConfig;
import dev.refinery.engine.model.ModelWeights;
import dev.refinery.engine.model.RopeStyle;
import dev.refinery.engine.model.Tensor;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.HashMap;
import java.util.Map;

/**
 * Reads llama2.c "legacy" checkpoints (the format of stories260K): seven little-endian int32 header
 * fields, then float32 arrays in a fixed order. The whole expected size is computed from the header
 * first, so a truncated or padded file is refused before any tensor is built.
 */
public final class Llama2cCheckpoint {

    private static final int HEADER_BYTES = 7 * Integer.BYTES;

    private Llama2cCheckpoint() {
    }

    public static ModelWeights load(Path file) {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            long size = ch.size();
            if (size < HEADER_BYTES) {
                throw new EngineException.CorruptCheckpoint(file + ": " + size + " bytes is too short for a llama2.c header ("
                        + HEADER_BYTES + " bytes)");
            }
            ByteBuffer header = ByteBuffer.allocate(HEADER_BYTES).order(ByteOrder.LITTLE_ENDIAN);
            readFully(ch, header, 0);
            header.flip();
            int dim = header.getInt();
            int hidden = header.getInt();
            int layers = header.getInt();
            int heads = header.getInt();
            int kvHeads = header.getInt();
            int vocab = header.getInt();
            int seqLen = header.getInt();
            boolean shared = vocab > 0;
            vocab = Math.abs(vocab);
            if (dim <= 0 || hidden <= 0 || layers <= 0 || heads <= 0 || kvHeads <= 0 || vocab == 0 || seqLen <= 0
                    || dim % heads != 0 || heads % kvHeads != 0) {
                throw new EngineException.CorruptCheckpoint(file + ": header does not describe a valid model (dim=" + dim
                        + " hidden=" + hidden + " layers=" + layers + " heads=" + heads + " kv_heads=" + kvHeads
                        + " vocab=" + vocab + " seq_len=" + seqLen + ")");
            }
            ModelConfig config = new ModelConfig("llama2c", dim, hidden, layers, heads, kvHeads, dim / heads, vocab, seqLen,
                    1e-5f, 10000f, RopeStyle.INTERLEAVED, shared, false);
            Layout layout = new Layout(config);
            long expected = HEADER_BYTES + layout.totalFloats() * Float.BYTES;
            if (size != expected) {
                throw new EngineException.CorruptCheckpoint(file + ": expected " + expected + " bytes for the model its header describes ("
                        + describe(config) + ") but the file has " + size + (size < expected ? " (truncated)" : " (trailing data)"));
            }
            FloatBuffer floats = ch.map(FileChannel.MapMode.READ_ONLY, HEADER_BYTES, size - HEADER_BYTES)
                    .order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer();
            Map<String, Tensor> tensors = layout.read(floats);
            return ModelWeights.assemble(config, (name, shape) -> {
                Tensor t = tensors.get(name);
                if (t == null) {
                    throw new EngineException.CorruptCheckpoint(file + ": no tensor " + name);
                }
                return t;
            });
        } catch (IOException e) {
            throw new EngineException.InputError("cannot read checkpoint " + file + ": " + e.getMessage(), e);
        }
    }

    private static String describe(ModelConfig c) {
        return "dim " + c.dim() + ", hidden " + c.hiddenDim() + ", " + c.nLayers() + " layers, " + c.nHeads() + "/" + c.nKvHeads()
                + " heads, vocab " + c.vocabSize() + ", seq_len " + c.maxSeqLen();
    }

    private static void readFully(FileChannel ch, ByteBuffer buf, long pos) throws IOException {
        while (buf.hasRemaining()) {
            int n = ch.read(buf, pos + buf.position());
            if (n < 0) {
                throw new IOException("unexpected end of file");
            }
        }
    }

    /** The order and sizes of the arrays after the header. */
    private record Layout(ModelConfig c) {

        long totalFloats() {
            long dim = c.dim();
            long kv = c.kvDim();
            long hidden = c.hiddenDim();
            long l = c.nLayers();
            long n = c.vocabSize() * dim;                       // token embedding
            n += l * dim;                                       // attention norms
            n += l * dim * dim + 2 * l * kv * dim + l * dim * dim; // wq, wk, wv, wo
            n += l * dim;                                       // ffn norms
            n += 3 * l * hidden * dim;                          // w1, w2, w3
            n += dim;                                           // final norm
            n += 2L * c.maxSeqLen() * (c.headDim() / 2);        // legacy RoPE tables, ignored
            if (!c.tiedEmbeddings()) {
                n += c.vocabSize() * dim;
            }
            return n;
        }

        Map<String, Tensor> read(FloatBuffer f) {
            int dim = c.dim();
            int kv = c.kvDim();
            int hidden = c.hiddenDim();
            Map<String, Tensor> out = new HashMap<>();
            out.put("model.embed_tokens.weight", take(f, "model.embed_tokens.weight", c.vocabSize(), dim));
            perLayer(f, out, "input_layernorm.weight", dim);
            perLayer(f, out, "self_attn.q_proj.weight", dim, dim);
            perLayer(f, out, "self_attn.k_proj.weight", kv, dim);
            perLayer(f, out, "self_attn.v_proj.weight", kv, dim);
            perLayer(f, out, "self_attn.o_proj.weight", dim, dim);
            perLayer(f, out, "post_attention_layernorm.weight", dim);
            perLayer(f, out, "mlp.gate_proj.weight", hidden, dim);  // w1
            perLayer(f, out, "mlp.down_proj.weight", dim, hidden);  // w2
            perLayer(f, out, "mlp.up_proj.weight", hidden, dim);    // w3
            out.put("model.norm.weight", take(f, "model.norm.weight", dim));
            f.position(f.position() + 2 * c.maxSeqLen() * (c.headDim() / 2));
            if (!c.tiedEmbeddings()) {
                out.put("lm_head.weight", take(f, "lm_head.weight", c.vocabSize(), dim));
            }
            return out;
        }

        private void perLayer(FloatBuffer f, Map<String, Tensor> out, String suffix, int... shape) {
            for (int i = 0; i < c.nLayers(); i++) {
                String name = "model.layers." + i + "." + suffix;
                out.put(name, take(f, name, shape));
            }
        }

        private static Tensor take(FloatBuffer f, String name, int... shape) {
            float[] d = new float[Math.toIntExact(Tensor.elementCount(shape))];
            f.get(d);
            return new Tensor(name, shape, d);
        }
    }
}
