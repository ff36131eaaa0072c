package dev.refinery.eval.grading;

import dev.refinery.engine.chat.ChatMessage;
import dev.refinery.engine.eval.HeldOutComparison;
import dev.refinery.engine.eval.PairwiseQuestion;
import dev.refinery.eval.inference.Decoding;
import dev.refinery.eval.inference.Endpoint;
import dev.refinery.eval.inference.InferenceClient;
import dev.refinery.eval.service.AnswerScorer;
import dev.refinery.eval.service.EvaluationFailure;

import java.util.ArrayList;
import java.util.List;

/**
 * A model on a provider's API that says which of two answers to the same request is better, asked both ways
 * ({@link PairwiseQuestion}). An item scores 1 for the model that won it both ways and 0 otherwise, so the
 * candidate - baseline difference is the share of items the candidate wins minus the share it loses.
 */
final class PairwiseJudge implements AnswerScorer {

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
            PairwiseQuestion.Outcome outcome = PairwiseQuestion.outcome(verdict(first.get(i), items.get(i).index()),
                    verdict(second.get(i), items.get(i).index()));
            candidate[i] = outcome == PairwiseQuestion.Outcome.FIRST ? 1 : 0;
            baseline[i] = outcome == PairwiseQuestion.Outcome.SECOND ? 1 : 0;
        }
        return new PairScores(baseline, candidate);
    }

    private List<ChatMessage> question(HeldOutComparison.ItemResult item, String answerA, String answerB) {
        return PairwiseQuestion.of(instructions, item.prompt(), item.reference(), answerA, answerB);
    }

    private List<String> ask(List<List<ChatMessage>> questions) {
        try {
            return client.answerAll(tenant, judge, questions, Decoding.greedy(PairwiseQuestion.ANSWER_TOKENS));
        } catch (EvaluationFailure f) {
            throw new EvaluationFailure(f.code(), "the judge of grader " + name + " did not answer: " + f.getMessage(), f);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while the judge of grader " + name + " answered", e);
        }
    }

    /** A or B, from the judge's first letter; anything else fails the evaluation (never a guess presented as a verdict). */
    private char verdict(String answer, int item) {
        return PairwiseQuestion.verdict(answer).orElseThrow(() -> {
            String t = answer.strip();
            return new EvaluationFailure("EVAL_JUDGE_UNCLEAR", "the judge of grader " + name + " (" + judge.describe() + ") answered '"
                    + (t.length() > 80 ? t.substring(0, 80) + "..." : t) + "' about item " + item + ", not A or B");
        });
    }

    @Override
    public boolean passFail() {
        return true;
    }
}
