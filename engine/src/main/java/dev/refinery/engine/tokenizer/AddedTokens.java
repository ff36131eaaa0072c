package dev.refinery.engine.tokenizer;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * The "added_tokens" of a tokenizer.json (chat markers, BOS/EOS, extra words): tokens matched in the
 * raw text before normalization and BPE. Non-special added tokens are always matched, as in Hugging
 * Face; special ones only when the caller asks for them. At one position the longest token wins.
 */
final class AddedTokens {

    record AddedToken(int id, String content, boolean special, boolean lstrip, boolean rstrip, boolean singleWord) {
    }

    /** A piece of input: either ordinary text starting at {@code start}, or one added token. */
    record Segment(String text, int start, int tokenId) {
        boolean isToken() {
            return tokenId >= 0;
        }
    }

    private final Map<String, AddedToken> byContent = new HashMap<>();
    private final Pattern ordinaryOnly;
    private final Pattern all;

    AddedTokens(List<AddedToken> tokens) {
        for (AddedToken t : tokens) {
            byContent.put(t.content(), t);
        }
        this.ordinaryOnly = alternation(tokens.stream().filter(t -> !t.special()).toList());
        this.all = alternation(tokens);
    }

    AddedToken get(String content) {
        return byContent.get(content);
    }

    List<Segment> split(String text, boolean includeSpecial) {
        Pattern pattern = includeSpecial ? all : ordinaryOnly;
        List<Segment> out = new ArrayList<>();
        if (pattern == null) {
            out.add(new Segment(text, 0, -1));
            return out;
        }
        Matcher m = pattern.matcher(text);
        int textStart = 0;
        int searchFrom = 0;
        while (searchFrom <= text.length() && m.find(searchFrom)) {
            AddedToken token = byContent.get(m.group());
            if (token.singleWord() && !standsAlone(text, m.start(), m.end())) {
                searchFrom = m.start() + 1;
                continue;
            }
            int textEnd = m.start();
            if (token.lstrip()) {
                while (textEnd > textStart && Character.isWhitespace(text.charAt(textEnd - 1))) {
                    textEnd--;
                }
            }
            if (textEnd > textStart) {
                out.add(new Segment(text.substring(textStart, textEnd), textStart, -1));
            }
            out.add(new Segment(token.content(), m.start(), token.id()));
            textStart = m.end();
            if (token.rstrip()) {
                while (textStart < text.length() && Character.isWhitespace(text.charAt(textStart))) {
                    textStart++;
                }
            }
            searchFrom = textStart;
        }
        if (textStart < text.length()) {
            out.add(new Segment(text.substring(textStart), textStart, -1));
        }
        return out;
    }

    private static boolean standsAlone(String text, int start, int end) {
        boolean before = start == 0 || !isWordChar(text.codePointBefore(start));
        boolean after = end == text.length() || !isWordChar(text.codePointAt(end));
        return before && after;
    }

    private static boolean isWordChar(int cp) {
        return Character.isLetterOrDigit(cp) || cp == '_';
    }

    private static Pattern alternation(List<AddedToken> tokens) {
        if (tokens.isEmpty()) {
            return null;
        }
        // Longest first, so that "<|im_start|>" is not cut short by a token that is its prefix.
        return Pattern.compile(tokens.stream()
                .map(AddedToken::content)
                .filter(c -> !c.isEmpty())
                .distinct()
                .sorted(Comparator.comparingInt(String::length).reversed())
                .map(Pattern::quote)
                .collect(Collectors.joining("|")));
    }
}
