package dev.refinery.engine.nn;

import dev.refinery.engine.EngineException;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * A flattened batch: the tokens of every sequence one after another, with each token's RoPE
 * position, the segments that bound attention, and the target token each position must predict
 * (-1 where no loss is taken: prompts, padding, the last token of a segment).
 */
public final class TokenBatch {

    private final int[] tokens;
    private final int[] positions;
    private final int[] targets;
    private final List<Segment> segments;

    private TokenBatch(int[] tokens, int[] positions, int[] targets, List<Segment> segments) {
        this.tokens = tokens;
        this.positions = positions;
        this.targets = targets;
        this.segments = Collections.unmodifiableList(segments);
    }

    public int size() {
        return tokens.length;
    }

    public int[] tokens() {
        return tokens;
    }

    public int[] positions() {
        return positions;
    }

    public int[] targets() {
        return targets;
    }

    public List<Segment> segments() {
        return segments;
    }

    public int targetCount() {
        int n = 0;
        for (int t : targets) {
            if (t >= 0) {
                n++;
            }
        }
        return n;
    }

    /** Collects sequences into a batch. */
    public static final class Builder {
        private final List<int[]> ids = new ArrayList<>();
        private final List<boolean[]> masks = new ArrayList<>();
        private final int maxSeqLen;

        public Builder(int maxSeqLen) {
            this.maxSeqLen = maxSeqLen;
        }

        /**
         * Adds one sequence; {@code lossMask[i]} says whether token i is a prediction target (predicted from
         * the tokens before it). Positions restart at 0 for each sequence.
         */
        public Builder add(int[] sequence, boolean[] lossMask) {
            if (sequence.length > maxSeqLen) {
                throw new EngineException.ContextTooLong("sequence of " + sequence.length + " tokens exceeds the model's context of "
                        + maxSeqLen + " tokens");
            }
            if (sequence.length != lossMask.length) {
                throw new EngineException.InvalidArgument("sequence and loss mask differ in length");
            }
            ids.add(sequence);
            masks.add(lossMask);
            return this;
        }

        public boolean isEmpty() {
            return ids.isEmpty();
        }

        public TokenBatch build() {
            int n = 0;
            for (int[] s : ids) {
                n += s.length;
            }
            int[] tokens = new int[n];
            int[] positions = new int[n];
            int[] targets = new int[n];
            List<Segment> segments = new ArrayList<>();
            int at = 0;
            for (int i = 0; i < ids.size(); i++) {
                int[] s = ids.get(i);
                boolean[] m = masks.get(i);
                segments.add(new Segment(at, s.length));
                for (int t = 0; t < s.length; t++) {
                    tokens[at + t] = s[t];
                    positions[at + t] = t;
                    targets[at + t] = t + 1 < s.length && m[t + 1] ? s[t + 1] : -1;
                }
                at += s.length;
            }
            return new TokenBatch(tokens, positions, targets, segments);
        }
    }
}
