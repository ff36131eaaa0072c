package dev.refinery.eval.service;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * One line of {@code evals/{id}/items.jsonl}: a held-out item with both models' answers and scores.
 *
 * @param index           0-based position in the test split
 * @param prompt          the last user message
 * @param reference       the reference assistant reply
 * @param baselineOutput  the base model's greedy reply
 * @param candidateOutput the candidate's greedy reply
 * @param baselineScore   task metric of the base model's reply, in [0, 1]
 * @param candidateScore  task metric of the candidate's reply
 * @param baselineLoss    mean negative log-likelihood per token of the reference under the base model
 * @param candidateLoss   the same under the candidate
 * @param rejected        preference pairs: the answer not preferred (the reference is the preferred one); absent otherwise
 * @param championOutput  the project's champion's greedy reply, when the candidate was compared with one; absent otherwise
 * @param championScore   its task metric
 * @param championLoss    the reference's loss under it
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ItemLine(int index, String prompt, String reference, String baselineOutput, String candidateOutput,
                       double baselineScore, double candidateScore, double baselineLoss, double candidateLoss, String rejected,
                       String championOutput, Double championScore, Double championLoss) {
}
