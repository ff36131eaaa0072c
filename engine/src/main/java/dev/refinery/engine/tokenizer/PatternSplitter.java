package dev.refinery.engine.tokenizer;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Hugging Face's split of a string by a pattern, with its delimiter behaviours: the text is cut into
 * alternating matches and gaps, then matches are kept apart (Isolated), dropped (Removed), glued to
 * the piece before (MergedWithPrevious) or after (MergedWithNext), or runs of matches are joined
 * (Contiguous). Results are [start, end) ranges of non-empty pieces.
 */
final class PatternSplitter {

    enum Behavior { ISOLATED, REMOVED, MERGED_WITH_PREVIOUS, MERGED_WITH_NEXT, CONTIGUOUS }

    private final Pattern pattern;
    private final Behavior behavior;
    private final boolean invert;

    PatternSplitter(Pattern pattern, Behavior behavior, boolean invert) {
        this.pattern = pattern;
        this.behavior = behavior;
        this.invert = invert;
    }

    static Behavior behavior(String name) {
        if (name == null) {
            return Behavior.ISOLATED;
        }
        return switch (name.toLowerCase(Locale.ROOT)) {
            case "isolated" -> Behavior.ISOLATED;
            case "removed" -> Behavior.REMOVED;
            case "mergedwithprevious" -> Behavior.MERGED_WITH_PREVIOUS;
            case "mergedwithnext" -> Behavior.MERGED_WITH_NEXT;
            case "contiguous" -> Behavior.CONTIGUOUS;
            default -> throw HfJson.malformed("unknown split behavior " + name);
        };
    }

    /** Ranges as {start, end} pairs. */
    List<int[]> split(String text) {
        List<Part> parts = new ArrayList<>();
        Matcher m = pattern.matcher(text);
        int previousEnd = 0;
        while (m.find()) {
            if (m.end() == m.start()) {
                continue;
            }
            if (m.start() > previousEnd) {
                parts.add(new Part(previousEnd, m.start(), invert));
            }
            parts.add(new Part(m.start(), m.end(), !invert));
            previousEnd = m.end();
        }
        if (previousEnd < text.length()) {
            parts.add(new Part(previousEnd, text.length(), invert));
        }
        List<int[]> ranges = new ArrayList<>();
        switch (behavior) {
            case ISOLATED -> parts.forEach(p -> ranges.add(new int[] {p.start, p.end}));
            case REMOVED -> parts.stream().filter(p -> !p.isMatch).forEach(p -> ranges.add(new int[] {p.start, p.end}));
            case MERGED_WITH_PREVIOUS -> {
                boolean previousMatch = false;
                for (Part p : parts) {
                    if (p.isMatch && !previousMatch && !ranges.isEmpty()) {
                        ranges.get(ranges.size() - 1)[1] = p.end;
                    } else {
                        ranges.add(new int[] {p.start, p.end});
                    }
                    previousMatch = p.isMatch;
                }
            }
            case MERGED_WITH_NEXT -> {
                boolean nextMatch = false;
                for (int i = parts.size() - 1; i >= 0; i--) {
                    Part p = parts.get(i);
                    if (p.isMatch && !nextMatch && !ranges.isEmpty()) {
                        ranges.get(ranges.size() - 1)[0] = p.start;
                    } else {
                        ranges.add(new int[] {p.start, p.end});
                    }
                    nextMatch = p.isMatch;
                }
                java.util.Collections.reverse(ranges);
            }
            case CONTIGUOUS -> {
                Boolean previousMatch = null;
                for (Part p : parts) {
                    if (previousMatch != null && p.isMatch == previousMatch) {
                        ranges.get(ranges.size() - 1)[1] = p.end;
                    } else {
                        ranges.add(new int[] {p.start, p.end});
                    }
                    previousMatch = p.isMatch;
                }
            }
        }
        return ranges;
    }

    private record Part(int start, int end, boolean isMatch) {
    }
}
