package dev.refinery.engine.chat;

/**
 * A chat as token ids, with a parallel mask that is true for tokens the model must learn to produce
 * (assistant output with weight 1, including the end-of-turn marker that stops generation).
 */
public record EncodedChat(int[] ids, boolean[] assistantMask) {

    public EncodedChat {
        if (ids.length != assistantMask.length) {
            throw new IllegalArgumentException("ids and mask differ in length: " + ids.length + " vs " + assistantMask.length);
        }
    }

    public int length() {
        return ids.length;
    }

    public int assistantTokenCount() {
        int n = 0;
        for (boolean b : assistantMask) {
            if (b) {
                n++;
            }
        }
        return n;
    }
}
