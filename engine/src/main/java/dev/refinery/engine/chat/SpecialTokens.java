package dev.refinery.engine.chat;

import dev.refinery.engine.EngineException;
import dev.refinery.engine.tokenizer.Tokenizer;

import java.util.Arrays;

/** Looks up the marker tokens a built-in template needs, with one clear error when they are missing. */
final class SpecialTokens {

    private SpecialTokens() {
    }

    static int require(Tokenizer tokenizer, String piece, String templateName) {
        return tokenizer.tokenId(piece).orElseThrow(() -> new EngineException.TokenizerMismatch("the " + templateName
                + " chat template needs the token " + piece + ", which this tokenizer's vocabulary lacks"));
    }

    /** The given ids followed by EOS when it is a different token, as models often end turns either way. */
    static int[] withEos(Tokenizer tokenizer, int... ids) {
        int eos = tokenizer.eosId();
        if (eos < 0 || Arrays.stream(ids).anyMatch(id -> id == eos)) {
            return ids.clone();
        }
        int[] out = Arrays.copyOf(ids, ids.length + 1);
        out[ids.length] = eos;
        return out;
    }
}
