package dev.refinery.engine.cli;

import dev.refinery.engine.LanguageModel;
import dev.refinery.engine.chat.ChatMessage;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;

/** Log-likelihood of the assistant turns of a chat file: held-out loss and perplexity. */
final class ScoreCommand implements Command {

    @Override
    public String name() {
        return "score";
    }

    @Override
    public String usage() {
        return """
            score      --model PATH --data FILE.jsonl [--adapter DIR]        held-out loss of the assistant turns
              --data FILE         chat JSONL ({"messages": [...]} per line)
              --per-item          print one line per conversation too
            """ + ModelOptions.USAGE;
    }

    @Override
    public java.util.Set<String> flags() {
        return java.util.Set.of("per-item");
    }

    @Override
    public int run(Args args, PrintStream out) {
        LanguageModel model = ModelOptions.load(args);
        Path data = Path.of(args.required("data"));
        boolean perItem = args.flag("per-item");
        args.rejectUnknown();
        List<List<ChatMessage>> conversations = ChatData.read(data);
        List<LanguageModel.Score> scores = model.scoreAll(conversations);
        double nll = 0;
        long tokens = 0;
        for (int i = 0; i < scores.size(); i++) {
            LanguageModel.Score s = scores.get(i);
            nll -= s.logLikelihood();
            tokens += s.tokens();
            if (perItem) {
                out.printf("%d\tlog_likelihood=%.4f\ttokens=%d\tmean_nll=%.4f%n", i + 1, s.logLikelihood(), s.tokens(), s.meanNegativeLogLikelihood());
            }
        }
        double mean = nll / tokens;
        out.printf("conversations=%d assistant_tokens=%d mean_nll=%.4f perplexity=%.3f%n", scores.size(), tokens, mean, Math.exp(mean));
        return 0;
    }
}
