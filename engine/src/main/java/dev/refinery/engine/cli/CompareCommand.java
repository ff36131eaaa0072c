package dev.refinery.engine.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.refinery.engine.EngineException;
import dev.refinery.engine.LanguageModel;
import dev.refinery.engine.eval.HeldOutComparison;
import dev.refinery.engine.eval.Metrics;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Locale;

/**
 * The base model against base + adapter on held-out conversations: task metric per item with greedy
 * decoding, held-out loss, and a 95% paired bootstrap interval of the metric difference.
 */
final class CompareCommand implements Command {

    @Override
    public String name() {
        return "compare";
    }

    @Override
    public String usage() {
        return """
            compare    --model PATH --adapter DIR --data FILE.jsonl [options]  base vs fine-tuned on held-out data
              --metric M          opening_match | exact_match | token_f1 (default opening_match)
              --max-tokens N      tokens generated per answer (default 48)
              --report FILE       write every item and the summary as JSON
              --show N            print the first N items side by side (default 3)
              --json              end with one line of JSON: the summary of the comparison
            """ + ModelOptions.USAGE;
    }

    @Override
    public java.util.Set<String> flags() {
        return java.util.Set.of("json");
    }

    @Override
    public int run(Args args, PrintStream out) {
        if (!args.has("adapter")) {
            throw new Args.UsageException("compare needs --adapter (the candidate)");
        }
        LanguageModel base = LanguageModel.load(Path.of(args.required("model")));
        LanguageModel tuned = base.withAdapter(Path.of(args.required("adapter")));
        Path data = Path.of(args.required("data"));
        String metric = args.get("metric", Metrics.OPENING_MATCH);
        int maxTokens = args.integer("max-tokens", 48);
        String report = args.get("report", null);
        int show = args.integer("show", 3);
        boolean json = args.flag("json");
        args.rejectUnknown();

        HeldOutComparison.Report r = new HeldOutComparison(metric, maxTokens).compare(base, tuned, ChatData.read(data));
        for (int i = 0; i < Math.min(show, r.items().size()); i++) {
            HeldOutComparison.ItemResult it = r.items().get(i);
            out.println("prompt:    " + it.prompt());
            out.println("  base:    " + oneLine(it.baselineOutput()) + "   [" + it.baselineScore() + "]");
            out.println("  tuned:   " + oneLine(it.candidateOutput()) + "   [" + it.candidateScore() + "]");
        }
        out.printf(Locale.ROOT, "%-16s %10s %10s%n", "", "base", "tuned");
        out.printf(Locale.ROOT, "%-16s %10.3f %10.3f%n", metric, r.baselineMean(), r.candidateMean());
        out.printf(Locale.ROOT, "%-16s %10.4f %10.4f%n", "held-out loss", r.baselineLoss(), r.candidateLoss());
        out.printf(Locale.ROOT, "difference %.3f, 95%% paired bootstrap CI [%.3f, %.3f] over %d items: %s%n",
                r.difference().mean(), r.difference().low(), r.difference().high(), r.difference().items(), r.verdict());
        if (report != null) {
            writeReport(r, Path.of(report));
        }
        if (json) {
            out.println(summary(r));
        }
        return 0;
    }

    private static String oneLine(String s) {
        String t = s.replace('\n', ' ');
        return t.length() > 110 ? t.substring(0, 107) + "..." : t;
    }

    private static ObjectNode summary(HeldOutComparison.Report r) {
        ObjectNode root = new ObjectMapper().createObjectNode();
        root.put("metric", r.metric());
        root.put("baseline_mean", r.baselineMean());
        root.put("candidate_mean", r.candidateMean());
        root.put("difference", r.difference().mean());
        root.put("ci_low", r.difference().low());
        root.put("ci_high", r.difference().high());
        root.put("confidence", r.difference().confidence());
        root.put("items", r.difference().items());
        root.put("baseline_loss", r.baselineLoss());
        root.put("candidate_loss", r.candidateLoss());
        root.put("verdict", r.verdict());
        return root;
    }

    static void writeReport(HeldOutComparison.Report r, Path file) {
        ObjectMapper json = new ObjectMapper();
        ObjectNode root = summary(r);
        ArrayNode items = root.putArray("per_item");
        for (HeldOutComparison.ItemResult it : r.items()) {
            items.addObject().put("index", it.index()).put("prompt", it.prompt()).put("reference", it.reference())
                    .put("baseline_output", it.baselineOutput()).put("candidate_output", it.candidateOutput())
                    .put("baseline_score", it.baselineScore()).put("candidate_score", it.candidateScore())
                    .put("baseline_nll", it.baselineNll()).put("candidate_nll", it.candidateNll());
        }
        try {
            json.writerWithDefaultPrettyPrinter().writeValue(file.toFile(), root);
        } catch (IOException e) {
            throw new EngineException.InputError("cannot write report " + file + ": " + e.getMessage(), e);
        }
    }
}
