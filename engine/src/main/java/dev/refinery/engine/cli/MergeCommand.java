package dev.refinery.engine.cli;

import dev.refinery.engine.LanguageModel;
import dev.refinery.engine.io.HfModelWriter;
import dev.refinery.engine.io.SpecialTokenIds;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;

/** Merges an adapter into the base weights and writes a Hugging Face model directory. */
final class MergeCommand implements Command {

    @Override
    public String name() {
        return "merge";
    }

    @Override
    public String usage() {
        return """
            merge      --model PATH --adapter DIR --out DIR                  write base + adapter as one safetensors model
            """ + ModelOptions.USAGE;
    }

    @Override
    public int run(Args args, PrintStream out) {
        if (!args.has("adapter")) {
            throw new Args.UsageException("merge needs --adapter");
        }
        LanguageModel merged = ModelOptions.load(args);
        Path dir = Path.of(args.required("out"));
        args.rejectUnknown();
        int bos = merged.tokenizer().bosId();
        int eos = merged.tokenizer().eosId();
        HfModelWriter.write(merged.weights(), dir, new SpecialTokenIds(bos >= 0 ? bos : null, eos >= 0 ? List.of(eos) : List.of()));
        out.println("wrote " + dir.resolve("model.safetensors") + " and " + dir.resolve("config.json"));
        return 0;
    }
}
