package dev.refinery.engine.chat;

import dev.refinery.engine.tokenizer.Tokenizer;

import java.util.Arrays;

/**
 * Accumulates the ids and assistant mask of a chat. Text that follows ordinary text is encoded as a
 * continuation (no dummy prefix), text that follows a special token or starts the sequence as fresh
 * text, which is where a tokenizer applied to the whole rendered chat would add its prefix.
 */
final class TokenSequenceBuilder {

    private final Tokenizer tokenizer;
    private int[] ids = new int[64];
    private boolean[] mask = new boolean[64];
    private int size;

    TokenSequenceBuilder(Tokenizer tokenizer) {
        this.tokenizer = tokenizer;
    }

    void appendToken(int id, boolean trained) {
        ensure(1);
        ids[size] = id;
        mask[size] = trained;
        size++;
    }

    void appendIds(int[] newIds, boolean trained) {
        ensure(newIds.length);
        System.arraycopy(newIds, 0, ids, size, newIds.length);
        Arrays.fill(mask, size, size + newIds.length, trained);
        size += newIds.length;
    }

    /** Encodes and appends text; returns the ids it added. */
    int[] appendText(String text, boolean trained, boolean specialTokens) {
        int[] encoded = encode(text, specialTokens);
        appendIds(encoded, trained);
        return encoded;
    }

    int[] encode(String text, boolean specialTokens) {
        if (text.isEmpty()) {
            return new int[0];
        }
        boolean continues = size > 0 && !tokenizer.isSpecial(ids[size - 1]);
        if (continues) {
            return tokenizer.encodeContinuation(text, specialTokens);
        }
        return specialTokens ? tokenizer.encodeWithSpecialTokens(text) : tokenizer.encode(text);
    }

    int size() {
        return size;
    }

    int[] ids() {
        return Arrays.copyOf(ids, size);
    }

    EncodedChat build() {
        return new EncodedChat(Arrays.copyOf(ids, size), Arrays.copyOf(mask, size));
    }

    private void ensure(int extra) {
        if (size + extra > ids.length) {
            int capacity = Math.max(ids.length * 2, size + extra);
            ids = Arrays.copyOf(ids, capacity);
            mask = Arrays.copyOf(mask, capacity);
        }
    }
}
