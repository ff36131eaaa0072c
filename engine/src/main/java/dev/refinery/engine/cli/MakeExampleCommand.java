package dev.refinery.engine.cli;

import dev.refinery.engine.LanguageModel;
import dev.refinery.engine.task.NamedStoryDataset;

import java.io.PrintStream;
import java.nio.file.Path;

/** Regenerates the named-story example dataset from the base model (deterministic). */
final class MakeExampleCommand implements Command {

    @Override
    public String name() {
        return "make-example";
    }

    @Override
    public String usage() {
        return """
            make-example --model PATH --out DIR                              write the named-story example dataset
            """ + ModelOptions.USAGE;
    }

    @Override
    public int run(Args args, PrintStream out) {
        LanguageModel base = ModelOptions.load(args);
        Path dir = Path.of(args.required("out"));
        args.rejectUnknown();
        NamedStoryDataset.Splits s = NamedStoryDataset.generate(base);
        NamedStoryDataset.write(s, dir);
        out.printf("wrote %s: train %d, validation %d, test %d, unseen-names %d conversations%n", dir, s.train().size(),
                s.validation().size(), s.test().size(), s.unseenNames().size());
        return 0;
    }
}
