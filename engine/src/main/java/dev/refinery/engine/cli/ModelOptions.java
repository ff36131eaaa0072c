package dev.refinery.engine.cli;

import dev.refinery.engine.LanguageModel;

import java.nio.file.Path;

/** The --model and --adapter options shared by several commands. */
final class ModelOptions {

    static final String USAGE = """
              --model PATH        llama2.c .bin (tokenizer beside it) or Hugging Face model directory
              --adapter DIR       PEFT LoRA adapter to merge in (optional)""";

    private ModelOptions() {
    }

    static LanguageModel load(Args args) {
        LanguageModel model = LanguageModel.load(Path.of(args.required("model")));
        String adapter = args.get("adapter", null);
        return adapter == null ? model : model.withAdapter(Path.of(adapter));
    }
}
