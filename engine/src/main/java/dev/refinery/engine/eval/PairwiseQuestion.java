package dev.refinery.engine.eval;

import dev.refinery.engine.chat.ChatMessage;

import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * What a judge model is asked about two answers to one request, and how its reply is read. Every pair is asked twice, the
 * answers swapped the second time: a judge that favours a position cannot make either model win, because a win counts only
 * when it holds both ways. Used wherever answers are judged in pairs: eval-service's pairwise grader on test items and
 * serving's shadow trials on live traffic, so both mean the same by a win.
 */
public final class PairwiseQuestion {

    private static final String SYSTEM = "You compare two answers to the same request and say which one is better. Reply with "
            + "one letter only: A or B.";

    /** As many tokens as a judge needs to say A or B. */
    public static final int ANSWER_TOKENS = 4;

    /** Who won a pair asked both ways. */
    public enum Outcome {
        /** The answer shown first in the first asking won both ways. */
        FIRST,
        /** The other one won both ways. */
        SECOND,
        /** The judge changed its mind when the answers were swapped. */
        TIE
    }

    private PairwiseQuestion() {
    }

    /**
     * The judge's question: {@code instructions} (may be null), the request, a reference answer (may be null) and the two
     * answers as A and B.
     */
    public static List<ChatMessage> of(String instructions, String request, String reference, String answerA, String answerB) {
        StringBuilder user = new StringBuilder();
        if (instructions != null && !instructions.isBlank()) {
            user.append(instructions.strip()).append("\n\n");
        }
        user.append("Request:\n").append(request).append("\n\n");
        if (reference != null && !reference.isBlank()) {
            user.append("A good answer, for reference:\n").append(reference).append("\n\n");
        }
        user.append("Answer A:\n").append(answerA).append("\n\nAnswer B:\n").append(answerB).append("\n\nWhich answer is better, A or B?");
        return List.of(ChatMessage.system(SYSTEM), ChatMessage.user(user.toString()));
    }

    /** A or B, read from the judge's first letter; empty when the reply is neither (never guessed). */
    public static Optional<Character> verdict(String reply) {
        String t = reply == null ? "" : reply.strip().toUpperCase(Locale.ROOT);
        for (char letter : new char[]{'A', 'B'}) {
            if (!t.isEmpty() && t.charAt(0) == letter && (t.length() == 1 || !Character.isLetter(t.charAt(1)))) {
                return Optional.of(letter);
            }
        }
        return Optional.empty();
    }

    /**
     * The pair's outcome from the verdict with the first answer shown as A ({@code firstAsA}) and the verdict with the answers
     * swapped ({@code firstAsB}).
     */
    public static Outcome outcome(char firstAsA, char firstAsB) {
        if (firstAsA == 'A' && firstAsB == 'B') {
            return Outcome.FIRST;
        }
        if (firstAsA == 'B' && firstAsB == 'A') {
            return Outcome.SECOND;
        }
        return Outcome.TIE;
    }
}
