package dev.refinery.engine.serve;

import dev.refinery.engine.tokenizer.Tokenizer;

import java.util.Arrays;
import java.util.List;

/**
 * The text of a completion as its tokens arrive: what each token adds (the delta to stream), and whether a stop
 * string has appeared. Text is released only once it is settled: trailing U+FFFD (the bytes of a character split
 * across tokens) waits for the rest of the character, and a tail that could be the start of a stop string waits
 * until it is not, so a client never sees a stop string or half of one.
 *
 * <p>The whole completion is decoded again at every token, which keeps the tokenizer's own rules (e.g. the dummy
 * space at the start) without a second streaming decoder; the cost is quadratic in the length but small next to a
 * decode step for the completions a chat request asks for.
 */
final class StreamingText {

    private static final char REPLACEMENT = '\uFFFD';

    private final Tokenizer tokenizer;
    private final List<String> stopStrings;
    private final int longestStop;
    private int[] tokens = new int[16];
    private int count;
    private String text = "";
    private int released;
    private boolean stopped;

    StreamingText(Tokenizer tokenizer, List<String> stopStrings) {
        this.tokenizer = tokenizer;
        this.stopStrings = stopStrings;
        this.longestStop = stopStrings.stream().mapToInt(String::length).max().orElse(0);
    }

    /** Adds a token and returns the text now settled; afterwards {@link #stopped()} says whether a stop string ended it. */
    String append(int token) {
        if (count == tokens.length) {
            tokens = Arrays.copyOf(tokens, count * 2);
        }
        tokens[count++] = token;
        text = tokenizer.decode(Arrays.copyOf(tokens, count));
        int stopAt = firstStop();
        if (stopAt >= 0) {
            stopped = true;
            text = text.substring(0, stopAt);
            return release(stopAt);
        }
        int settled = text.length();
        while (settled > released && text.charAt(settled - 1) == REPLACEMENT) {
            settled--;
        }
        return release(settled - possibleStopStart(settled));
    }

    /** The text not yet released, at the end of the completion (nothing is held back any more). */
    String flush() {
        return release(text.length());
    }

    boolean stopped() {
        return stopped;
    }

    /** The completion's text, cut before the stop string when one ended it. */
    String text() {
        return text;
    }

    private String release(int upTo) {
        String delta = text.substring(released, Math.max(released, upTo));
        released = Math.max(released, upTo);
        return delta;
    }

    /** Where the earliest stop string starts in the unreleased text, or -1. Released text holds none. */
    private int firstStop() {
        int best = -1;
        for (String s : stopStrings) {
            int at = text.indexOf(s, Math.max(0, released));
            if (at >= 0 && (best < 0 || at < best)) {
                best = at;
            }
        }
        return best;
    }

    /** Length of the longest tail of text[released, end) that is a proper prefix of a stop string. */
    private int possibleStopStart(int end) {
        for (int k = Math.min(longestStop - 1, end - released); k > 0; k--) {
            String tail = text.substring(end - k, end);
            for (String s : stopStrings) {
                if (s.startsWith(tail)) {
                    return k;
                }
            }
        }
        return 0;
    }
}
