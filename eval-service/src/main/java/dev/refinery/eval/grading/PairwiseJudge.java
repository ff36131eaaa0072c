package dev.refinery.eval.grading;

import dev.refinery.engine.chat.ChatMessage;
import dev.refinery.engine.eval.HeldOutComparison;
import dev.refinery.eval.inference.Decoding;
import dev.refinery.eval.inference.Endpoint;
import dev.refinery.eval.inference.InferenceClient;
import dev.refinery.eval.service.AnswerScorer;
import dev.refinery.eval.service.EvaluationFailure;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A model on a provider's API that says which of two answers to the same request is better. Every pair is asked twice,
 * the answers swapped the second time: a judge that favours a position cannot make either model win, because a win
 * counts only when it holds both ways. An item scores 1 for the model that won it both ways and 0 otherwise, so the
 * candidate - baseline difference is the share of items the candidate wins minus the share it loses.
 */
final class PairwiseJudge implements AnswerScorer {

    private static final String SYSTEM = "You compare two answers to the same request and say which one is better. Reply with "
            + "one letter only: A or B.";
    private static final int ANSWER_TOKENS = 4;

    private final String name;
    private final String tenant;
    private final Endpoint judge;
    private final String instructions;
    private final InferenceClient client;

    PairwiseJudge(String name, String tenant, Endpoint judge, String instructions, InferenceClient client) {
        this.name = name;
        this.tenant = tenant;
        this.judge = judge;
        this.instructions = instructions;
        this.client = client;
    }

    @Override
    public PairScores score(List<HeldOutComparison.ItemResult> items) {
        List<List<ChatMessage>> candidateFirst = new ArrayList<>();
        List<List<ChatMessage>> baselineFirst = new ArrayList<>();
        for (HeldOutComparison.ItemResult item : items) {
            candidateFirst.add(question(item, item.candidateOutput(), item.baselineOutput()));
            baselineFirst.add(question(item, item.baselineOutput(), item.candidateOutput()));
        }
        List<String> first = ask(candidateFirst);
        List<String> second = ask(baselineFirst);
        double[] baseline = new double[items.size()];
        double[] candidate = new double[items.size()];
        for (int i = 0; i < items.size(); i++) {
            char a = verdict(first.get(i), items.get(i).index());
            char b = verdict(second.get(i), items.get(i).index());
            candidate[i] = a == 'A' && b == 'B' ? 1 : 0;
            baseline[i] = a == 'B' && b == 'A' ? 1 : 0;
        }
        return new PairScores(baseline, candidate);
    }

    private List<ChatMessage> question(HeldOutComparison.ItemResult item, String answerA, String answerB) {
        StringBuilder user = new StringBuilder();
        if (instructions != null && !instructions.isBlank()) {
            user.append(instructions.strip()).append("\n\n");
        }
        user.append("Request:\n").append(item.prompt()).append("\n\n");
        if (item.reference() != null && !item.reference().isBlank()) {
            user.append("A good answer, for reference:\n").append(item.reference()).append("\n\n");
        }
        user.append("Answer A:\n").append(answerA).append("\n\nAnswer B:\n").append(answerB).append("\n\nWhich answer is better, A or B?");
        return List.of(ChatMessage.system(SYSTEM), ChatMessage.user(user.toString()));
    }

    private List<String> ask(List<List<ChatMessage>> questions) {
        try {
            return client.answerAll(tenant, judge, questions, Decoding.greedy(ANSWER_TOKENS));
        } catch (EvaluationFailure f) {
            throw new EvaluationFailure(f.code(), "the judge of grader " + name + " did not answer: " + f.getMessage(), f);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while the judge of grader " + name + " answered", e);
        }
    }

    /** A or B, from the judge's first letter; anything else fails the evaluation (never a guess presented as a verdict). */
    private char verdict(String answer, int item) {
        String t = answer.strip().toUpperCase(Locale.ROOT);
        if (t.startsWith("A") && (t.length() == 1 || !Character.isLetter(t.charAt(1)))) {
            return 'A';
        }
        if (t.startsWith("B") && (t.length() == 1 || !Character.isLetter(t.charAt(1)))) {
            return 'B';
        }
        throw new EvaluationFailure("EVAL_JUDGE_UNCLEAR", "the judge of grader " + name + " (" + judge.describe() + ") answered '"
                + (t.length() > 80 ? t.substring(0, 80) + "..." : t) + "' about item " + item + ", not A or B");
    }

    @Override
    public boolean passFail() {
        return true;
    }
}
