package dev.refinery.engine.eval;

import dev.refinery.engine.LanguageModel;
import dev.refinery.engine.chat.ChatMessage;
import dev.refinery.engine.chat.PreferenceRecord;
import dev.refinery.engine.generate.GenerationOptions;

import java.util.ArrayList;
import java.util.List;

/**
 * Scores a baseline and a candidate model on the same held-out conversations with the same fixed
 * decoding (greedy) and the same prompt template: the task metric per item on the generated reply,
 * the held-out loss on the reference reply, and a paired bootstrap interval of the metric difference.
 *
 * <p>Preference pairs (a DPO dataset's held-out split) are compared on {@link Metrics#PREFERENCE_ACCURACY}: an item
 * scores 1 when the model gives the preferred answer a higher mean log-probability per token than the other answer.
 * Per token, because summed log-probabilities favour the shorter answer whatever it says. Each model's reply to the
 * prompt is still generated, for people to read, and the held-out loss is taken on the preferred answers.
 */
public final class HeldOutComparison {

    private final String metric;
    private final int maxTokens;
    private final List<String> stop;

    public HeldOutComparison(String metric, int maxTokens) {
        this(metric, maxTokens, List.of());
    }

    /**
     * @param stop sequences that end an answer: each reply is cut before the first one it holds, as a chat-completions
     *             API does with its {@code stop}, so that answers from the engine and from an API are cut alike
     */
    public HeldOutComparison(String metric, int maxTokens, List<String> stop) {
        this.metric = metric;
        this.maxTokens = maxTokens;
        this.stop = List.copyOf(stop);
    }

    /** {@code text} up to the first stop sequence it holds (all of it when it holds none). */
    public String cut(String text) {
        int end = text.length();
        for (String s : stop) {
            int at = text.indexOf(s);
            if (at >= 0 && at < end) {
                end = at;
            }
        }
        return text.substring(0, end);
    }

    /** One held-out item's outcome. */
    public record ItemResult(int index, String prompt, String reference, String baselineOutput, String candidateOutput,
                             double baselineScore, double candidateScore, double baselineNll, double candidateNll, String rejected) {
    }

    /**
     * The comparison over all items.
     *
     * @param metric           the metric name
     * @param items            per-item results
     * @param baselineMean     mean metric of the baseline
     * @param candidateMean    mean metric of the candidate
     * @param difference       candidate - baseline with its 95% paired bootstrap interval
     * @param baselineLoss     held-out mean NLL per reference token, baseline
     * @param candidateLoss    held-out mean NLL per reference token, candidate
     */
    public record Report(String metric, List<ItemResult> items, double baselineMean, double candidateMean,
                         PairedBootstrap.Interval difference, double baselineLoss, double candidateLoss) {

        /** Plain-language verdict of the comparison. */
        public String verdict() {
            if (difference.excludesZeroFromAbove()) {
                return "candidate better";
            }
            if (difference.excludesZeroFromBelow()) {
                return "candidate worse";
            }
            return "no significant difference";
        }
    }

    /**
     * Runs both models. Each conversation's last message is the reference assistant reply; everything
     * before it is the prompt.
     */
    public Report compare(LanguageModel baseline, LanguageModel candidate, List<List<ChatMessage>> conversations) {
        List<ItemResult> items = new ArrayList<>();
        double[] b = new double[conversations.size()];
        double[] c = new double[conversations.size()];
        double bNll = 0;
        double cNll = 0;
        long tokens = 0;
        GenerationOptions greedy = GenerationOptions.greedy(maxTokens);
        for (int i = 0; i < conversations.size(); i++) {
            List<ChatMessage> conv = conversations.get(i);
            ChatMessage reference = conv.get(conv.size() - 1);
            List<ChatMessage> prompt = conv.subList(0, conv.size() - 1);
            String bOut = cut(baseline.reply(prompt, greedy).text());
            String cOut = cut(candidate.reply(prompt, greedy).text());
            b[i] = Metrics.score(metric, reference.content(), bOut);
            c[i] = Metrics.score(metric, reference.content(), cOut);
            LanguageModel.Score bs = baseline.score(conv);
            LanguageModel.Score cs = candidate.score(conv);
            bNll -= bs.logLikelihood();
            cNll -= cs.logLikelihood();
            tokens += bs.tokens();
            String user = prompt.isEmpty() ? "" : prompt.get(prompt.size() - 1).content();
            items.add(new ItemResult(i, user, reference.content(), bOut, cOut, b[i], c[i],
                    bs.meanNegativeLogLikelihood(), cs.meanNegativeLogLikelihood(), null));
        }
        return report(metric, items, b, c, bNll / tokens, cNll / tokens);
    }

    /**
     * Compares answers produced elsewhere (a model behind a provider's API, which gives no log-probabilities) on the same
     * metric and with the same interval as {@link #compare}; the held-out losses are NaN (not measured).
     *
     * @param baselineAnswers  one per conversation, in order
     * @param candidateAnswers the same for the candidate
     */
    public Report compareAnswers(List<List<ChatMessage>> conversations, List<String> baselineAnswers, List<String> candidateAnswers) {
        if (baselineAnswers.size() != conversations.size() || candidateAnswers.size() != conversations.size()) {
            throw new dev.refinery.engine.EngineException.InvalidArgument("expected " + conversations.size() + " answers per model, got "
                    + baselineAnswers.size() + " and " + candidateAnswers.size());
        }
        List<ItemResult> items = new ArrayList<>();
        double[] b = new double[conversations.size()];
        double[] c = new double[conversations.size()];
        for (int i = 0; i < conversations.size(); i++) {
            List<ChatMessage> conv = conversations.get(i);
            ChatMessage reference = conv.get(conv.size() - 1);
            String bOut = cut(baselineAnswers.get(i));
            String cOut = cut(candidateAnswers.get(i));
            b[i] = Metrics.score(metric, reference.content(), bOut);
            c[i] = Metrics.score(metric, reference.content(), cOut);
            String user = conv.size() < 2 ? "" : conv.get(conv.size() - 2).content();
            items.add(new ItemResult(i, user, reference.content(), bOut, cOut, b[i], c[i],
                    Double.NaN, Double.NaN, null));
        }
        return report(metric, items, b, c, Double.NaN, Double.NaN);
    }

    /** Runs both models on held-out preference pairs (see the class comment); the metric given at construction is not used. */
    public Report comparePreferences(LanguageModel baseline, LanguageModel candidate, List<PreferenceRecord> pairs) {
        List<ItemResult> items = new ArrayList<>();
        double[] b = new double[pairs.size()];
        double[] c = new double[pairs.size()];
        double bNll = 0;
        double cNll = 0;
        long tokens = 0;
        GenerationOptions greedy = GenerationOptions.greedy(maxTokens);
        for (int i = 0; i < pairs.size(); i++) {
            PreferenceRecord pair = pairs.get(i);
            LanguageModel.Score bChosen = baseline.score(pair.chosenConversation());
            LanguageModel.Score cChosen = candidate.score(pair.chosenConversation());
            b[i] = prefersChosen(bChosen, baseline.score(pair.rejectedConversation())) ? 1 : 0;
            c[i] = prefersChosen(cChosen, candidate.score(pair.rejectedConversation())) ? 1 : 0;
            bNll -= bChosen.logLikelihood();
            cNll -= cChosen.logLikelihood();
            tokens += bChosen.tokens();
            String user = pair.prompt().get(pair.prompt().size() - 1).content();
            items.add(new ItemResult(i, user, text(pair.chosen()), cut(baseline.reply(pair.prompt(), greedy).text()),
                    cut(candidate.reply(pair.prompt(), greedy).text()), b[i], c[i], bChosen.meanNegativeLogLikelihood(),
                    cChosen.meanNegativeLogLikelihood(), text(pair.rejected())));
        }
        return report(Metrics.PREFERENCE_ACCURACY, items, b, c, bNll / tokens, cNll / tokens);
    }

    private static boolean prefersChosen(LanguageModel.Score chosen, LanguageModel.Score rejected) {
        return chosen.meanNegativeLogLikelihood() < rejected.meanNegativeLogLikelihood();
    }

    private static String text(List<ChatMessage> turns) {
        StringBuilder out = new StringBuilder();
        for (ChatMessage m : turns) {
            out.append(out.isEmpty() ? "" : "\n").append(m.content());
        }
        return out.toString();
    }

    private static Report report(String metric, List<ItemResult> items, double[] b, double[] c, double baselineLoss, double candidateLoss) {
        PairedBootstrap.Interval diff = PairedBootstrap.meanDifference(b, c, 0.95, 10_000, 20_240_601L);
        return new Report(metric, items, mean(b), mean(c), diff, baselineLoss, candidateLoss);
    }

    private static double mean(double[] v) {
        double s = 0;
        for (double x : v) {
            s += x;
        }
        return v.length == 0 ? Double.NaN : s / v.length;
    }
}
