package dev.refinery.engine.cli;

import dev.refinery.engine.LanguageModel;
import dev.refinery.engine.chat.ChatMessage;
import dev.refinery.engine.generate.GenerationOptions;
import dev.refinery.engine.generate.GenerationResult;
import dev.refinery.engine.generate.Generator;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;

/** Generates text: a chat reply, or a raw continuation (BOS + text) as llama2.c's run does. */
final class GenerateCommand implements Command {

    @Override
    public String name() {
        return "generate";
    }

    @Override
    public String usage() {
        return """
            generate   --model PATH (--prompt TEXT | --raw TEXT) [options]   generate a reply or a continuation
              --prompt TEXT       user message, rendered with the model's chat template
              --system TEXT       system message before it (optional)
              --raw TEXT          plain continuation of BOS + TEXT (use "" to start from BOS alone)
              --max-tokens N      tokens to generate (default 256)
              --temperature T     0 = greedy (default 0)
              --top-k K           keep the K most likely tokens (default 0 = all)
              --top-p P           nucleus sampling threshold (default 1)
              --seed S            sampling seed (default 42)
            """ + ModelOptions.USAGE;
    }

    @Override
    public int run(Args args, PrintStream out) {
        LanguageModel model = ModelOptions.load(args);
        String raw = args.get("raw", null);
        String prompt = args.get("prompt", null);
        String system = args.get("system", null);
        GenerationOptions options = new GenerationOptions(args.integer("max-tokens", 256), args.number("temperature", 0f),
                args.integer("top-k", 0), args.number("top-p", 1f), args.longValue("seed", 42L), null);
        args.rejectUnknown();
        if ((raw == null) == (prompt == null)) {
            throw new Args.UsageException("give exactly one of --prompt or --raw");
        }
        if (raw != null) {
            int[] text = raw.isEmpty() ? new int[0] : model.tokenizer().encode(raw);
            int bos = model.tokenizer().bosId();
            int[] ids = new int[text.length + (bos >= 0 ? 1 : 0)];
            if (bos >= 0) {
                ids[0] = bos;
            }
            System.arraycopy(text, 0, ids, bos >= 0 ? 1 : 0, text.length);
            int[] stops = bos >= 0 ? new int[] {bos} : new int[0];
            GenerationResult r = new Generator(model.weights()).generate(ids, options.withStopTokens(stops));
            int[] all = java.util.Arrays.copyOf(text, text.length + r.tokens().length);
            System.arraycopy(r.tokens(), 0, all, text.length, r.tokens().length);
            out.println(model.tokenizer().decode(all));
            return 0;
        }
        List<ChatMessage> chat = new ArrayList<>();
        if (system != null) {
            chat.add(ChatMessage.system(system));
        }
        chat.add(ChatMessage.user(prompt));
        out.println(model.reply(chat, options).text());
        return 0;
    }
}
