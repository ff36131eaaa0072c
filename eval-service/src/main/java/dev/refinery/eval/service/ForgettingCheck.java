package dev.refinery.eval.service;

/**
 * The forgetting guard's figures: the candidate and its base model on the base model's general-ability set (plain text of
 * the kind it was pretrained on), each difference with its 95% paired bootstrap interval.
 *
 * @param baselineLoss        mean negative log-likelihood per token of the texts under the base model (mean over texts)
 * @param lossDifferenceHigh  upper bound of the rise of that loss, candidate - base: what the guard compares with its margin
 * @param baselineGeneration  mean ROUGE-L of the base model's greedy continuation of each text's first sentence against the rest
 * @param generationDifferenceLow lower bound of candidate - base of that ROUGE-L
 */
public record ForgettingCheck(int items, double baselineLoss, double candidateLoss, double lossDifferenceMean, double lossDifferenceHigh,
                              double baselineGeneration, double candidateGeneration, double generationDifferenceMean,
                              double generationDifferenceLow) {
}
