package dev.refinery.datasets.tokens;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Writes a small byte-level BPE tokenizer.json in the shape GPT-2-style models ship (256 byte tokens,
 * a few merges, ChatML markers as added tokens) and a tokenizer_config.json with a ChatML chat_template,
 * so tests can count through {@code tokenizer-json:} without a real model.
 */
final class TinyTokenizerJson {

    static final String CHATML_TEMPLATE = "{% for message in messages %}{{ '<|im_start|>' + message['role'] + '\\n'"
            + " + message['content'] + '<|im_end|>' + '\\n' }}{% endfor %}"
            + "{% if add_generation_prompt %}{{ '<|im_start|>assistant\\n' }}{% endif %}";

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String[][] MERGES = {{"Ġ", "w"}, {"h", "e"}, {"l", "l"}, {"he", "ll"}, {"Ġw", "o"}, {"o", "r"}};

    private TinyTokenizerJson() {
    }

    static Path write(Path dir) throws IOException {
        ObjectNode root = JSON.createObjectNode();
        root.put("version", "1.0");
        ArrayNode added = root.putArray("added_tokens");
        int next = 256 + MERGES.length;
        for (String special : new String[] {"<|endoftext|>", "<|im_start|>", "<|im_end|>"}) {
            ObjectNode t = added.addObject();
            t.put("id", next++);
            t.put("content", special);
            t.put("single_word", false);
            t.put("lstrip", false);
            t.put("rstrip", false);
            t.put("normalized", false);
            t.put("special", true);
        }
        root.putNull("normalizer");
        ObjectNode pre = root.putObject("pre_tokenizer");
        pre.put("type", "ByteLevel");
        pre.put("add_prefix_space", false);
        pre.put("trim_offsets", true);
        pre.put("use_regex", true);
        root.putNull("post_processor");
        ObjectNode decoder = root.putObject("decoder");
        decoder.put("type", "ByteLevel");
        decoder.put("add_prefix_space", true);
        decoder.put("trim_offsets", true);
        decoder.put("use_regex", true);
        ObjectNode model = root.putObject("model");
        model.put("type", "BPE");
        model.putNull("dropout");
        model.putNull("unk_token");
        model.putNull("continuing_subword_prefix");
        model.putNull("end_of_word_suffix");
        model.put("fuse_unk", false);
        model.put("byte_fallback", false);
        ObjectNode vocab = model.putObject("vocab");
        for (int b = 0; b < 256; b++) {
            vocab.put(String.valueOf(byteLevelChar(b)), b);
        }
        ArrayNode merges = model.putArray("merges");
        int id = 256;
        for (String[] m : MERGES) {
            vocab.put(m[0] + m[1], id++);
            merges.add(m[0] + " " + m[1]);
        }
        Files.createDirectories(dir);
        Path file = dir.resolve("tokenizer.json");
        Files.writeString(file, root.toPrettyString());
        ObjectNode config = JSON.createObjectNode();
        config.putNull("bos_token");
        config.put("eos_token", "<|im_end|>");
        config.put("chat_template", CHATML_TEMPLATE);
        Files.writeString(dir.resolve("tokenizer_config.json"), config.toPrettyString());
        return file;
    }

    /** GPT-2's printable stand-in for a byte: printable Latin-1 bytes stand for themselves, the rest map to 256+. */
    private static char byteLevelChar(int b) {
        boolean printable = (b >= '!' && b <= '~') || (b >= 0xA1 && b <= 0xAC) || (b >= 0xAE && b <= 0xFF);
        if (printable) {
            return (char) b;
        }
        int n = 0;
        for (int k = 0; k < b; k++) {
            boolean p = (k >= '!' && k <= '~') || (k >= 0xA1 && k <= 0xAC) || (k >= 0xAE && k <= 0xFF);
            if (!p) {
                n++;
            }
        }
        return (char) (256 + n);
    }
}
