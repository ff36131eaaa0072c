package dev.refinery.eval.service;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.refinery.engine.EngineException;
import dev.refinery.engine.LanguageModel;
import dev.refinery.engine.eval.Metrics;
import dev.refinery.engine.eval.PairedBootstrap;
import dev.refinery.engine.generate.GenerationOptions;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The forgetting guard: a fine-tune that wins its task may have lost what its base model knew. Each base model may keep a
 * general-ability set beside its weights ({@code <models-dir>/<id>/general-ability.jsonl}, one {@code {"text"}} per line:
 * text of the kind it was pretrained on); every evaluation scores its candidate and the base model on it, by held-out loss
 * and by a generation check (the greedy continuation of each text's first sentence against the rest, ROUGE-L). Fixed per
 * base model, so every candidate of that base is measured on the same texts.
 */
@ApplicationScoped
public class GeneralAbility {

    public static final String FILE = "general-ability.jsonl";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int CONTINUATION_TOKENS = 48;
    private static final long SEED = 20_261_207L;

    @Inject
    BaseModels baseModels;

    /** The base model's texts; empty when it has no set (the evaluation then says the guard did not run). */
    public Optional<List<String>> texts(String baseModel) {
        Path file = baseModels.library().dir().resolve(baseModel).resolve(FILE);
        if (!Files.isRegularFile(file)) {
            return Optional.empty();
        }
        List<String> texts = new ArrayList<>();
        try {
            List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
            for (int i = 0; i < lines.size(); i++) {
                if (lines.get(i).isBlank()) {
                    continue;
                }
                JsonNode text = JSON.readTree(lines.get(i)).path("text");
                if (!text.isTextual() || text.asText().isBlank()) {
                    throw new EvaluationFailure("EVAL_GENERAL_SET_INVALID", file + " line " + (i + 1) + ": expected {\"text\": \"...\"}");
                }
                texts.add(text.asText());
            }
        } catch (IOException e) {
            throw new EvaluationFailure("EVAL_GENERAL_SET_INVALID", "cannot read " + file + ": " + e.getMessage(), e);
        }
        return texts.isEmpty() ? Optional.empty() : Optional.of(texts);
    }

    /** Both models on the texts. */
    public ForgettingCheck check(LanguageModel base, LanguageModel candidate, List<String> texts) {
        int n = texts.size();
        double[] bLoss = new double[n];
        double[] cLoss = new double[n];
        double[] bGen = new double[n];
        double[] cGen = new double[n];
        GenerationOptions greedy = GenerationOptions.greedy(CONTINUATION_TOKENS);
        try {
            for (int i = 0; i < n; i++) {
                String text = texts.get(i);
                bLoss[i] = base.scoreText(text).meanNegativeLogLikelihood();
                cLoss[i] = candidate.scoreText(text).meanNegativeLogLikelihood();
                String opening = Metrics.firstSentence(text);
                String rest = text.strip().substring(opening.length()).strip();
                bGen[i] = Metrics.score(Metrics.ROUGE_L, rest, base.continueText(opening, greedy));
                cGen[i] = Metrics.score(Metrics.ROUGE_L, rest, candidate.continueText(opening, greedy));
            }
        } catch (EngineException e) {
            throw new EvaluationFailure("EVAL_ENGINE_ERROR", "the engine failed on the general-ability set: [" + e.code() + "] "
                    + e.getMessage(), e);
        }
        PairedBootstrap.Interval loss = PairedBootstrap.meanDifference(bLoss, cLoss, 0.95, 10_000, SEED);
        PairedBootstrap.Interval gen = PairedBootstrap.meanDifference(bGen, cGen, 0.95, 10_000, SEED);
        return new ForgettingCheck(n, mean(bLoss), mean(cLoss), loss.mean(), loss.high(), mean(bGen), mean(cGen), gen.mean(), gen.low());
    }

    private static double mean(double[] v) {
        double s = 0;
        for (double x : v) {
            s += x;
        }
        return s / v.length;
    }
}
