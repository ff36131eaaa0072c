package dev.refinery.engine.tokenizer;

import java.util.List;

/** Joining the id arrays that encoding produces piece by piece. */
final class IntArrays {

    private IntArrays() {
    }

    static int[] concat(List<int[]> parts) {
        int total = 0;
        for (int[] p : parts) {
            total += p.length;
        }
        int[] out = new int[total];
        int k = 0;
        for (int[] p : parts) {
            System.arraycopy(p, 0, out, k, p.length);
            k += p.length;
        }
        return out;
    }
}
