package dev.refinery.engine.io;

import java.util.List;

/**
 * Token ids a Hugging Face config.json records: {@code bos_token_id} and {@code eos_token_id}
 * (one id, or several as Llama 3 lists them). Null / empty when unknown.
 */
public record SpecialTokenIds(Integer bos, List<Integer> eos) {

    public static final SpecialTokenIds NONE = new SpecialTokenIds(null, List.of());

    public SpecialTokenIds {
        eos = eos == null ? List.of() : List.copyOf(eos);
    }

    public static SpecialTokenIds of(int bos, int eos) {
        return new SpecialTokenIds(bos, List.of(eos));
    }
}
