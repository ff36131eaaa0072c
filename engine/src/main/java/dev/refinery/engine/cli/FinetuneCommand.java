package dev.refinery.engine.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.refinery.engine.EngineException;
import dev.refinery.engine.LanguageModel;
import dev.refinery.engine.chat.ChatMessage;
import dev.refinery.engine.io.HfModelWriter;
import dev.refinery.engine.io.PeftAdapterIo;
import dev.refinery.engine.io.SpecialTokenIds;
import dev.refinery.engine.lora.LoraConfig;
import dev.refinery.engine.model.Projection;
import dev.refinery.engine.train.LrSchedule;
import dev.refinery.engine.train.Trainer;
import dev.refinery.engine.train.TrainingCheckpoint;
import dev.refinery.engine.train.TrainingConfig;
import dev.refinery.engine.train.TrainingExample;
import dev.refinery.engine.train.TrainingListener;
import dev.refinery.engine.train.TrainingResult;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Fine-tunes from chat JSONL files and writes a PEFT adapter (or, for full fine-tuning, a model),
 * per-step metrics and a summary with every effective setting.
 */
final class FinetuneCommand implements Command {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Override
    public String name() {
        return "finetune";
    }

    @Override
    public Set<String> flags() {
        return Set.of("full", "train-on-inputs", "packing", "resume", "quiet", "json");
    }

    @Override
    public String usage() {
        return """
            finetune   --model PATH --train FILE.jsonl --out DIR [options]  fine-tune with LoRA (or --full) on the CPU
              --validation FILE   chat JSONL for validation loss
              --epochs N          passes over the data (default 1)
              --batch-size N      examples per micro-batch, or rows of max-seq-len tokens with --packing (default 8)
              --grad-accum N      micro-batches per optimizer step (default 1)
              --lr X              peak learning rate (default 1e-3)
              --scheduler S       cosine | linear | constant (default cosine)
              --warmup-ratio R    share of steps warming up (default 0)
              --min-lr-ratio R    floor of the schedule, as a share of the peak (default 0)
              --weight-decay X    AdamW decoupled weight decay (default 0)
              --max-grad-norm X   clip the global gradient norm; 0 disables (default 1)
              --lora-r N          LoRA rank (default 8)
              --lora-alpha X      LoRA alpha (default 2 x rank)
              --lora-dropout X    LoRA dropout (default 0)
              --lora-targets L    comma list of q,k,v,o,gate,up,down or all-linear (default all-linear)
              --full              full fine-tuning instead of LoRA (small models)
              --train-on-inputs   take the loss on prompt tokens too
              --packing           pack several examples into each row (they never attend to each other)
              --max-seq-len N     longest example in tokens (default: the model's context)
              --overflow P        fail | truncate | drop examples longer than that (default fail)
              --eval-every N      validation loss every N steps (default: at the end)
              --early-stopping N  stop after N evaluations without improvement (default off)
              --checkpoint-every N  resumable checkpoint every N steps (default: at the end)
              --resume            continue from the newest complete checkpoint in DIR/checkpoints
              --seed S            seed for initialisation, shuffling and dropout (default 42)
              --quiet             print only the summary
              --json              end with one line of JSON: the summary of training.json
            """ + ModelOptions.USAGE;
    }

    @Override
    public int run(Args args, PrintStream out) {
        LanguageModel model = ModelOptions.load(args);
        Path trainFile = Path.of(args.required("train"));
        String validationFile = args.get("validation", null);
        Path outDir = Path.of(args.required("out"));
        TrainingConfig config = config(args);
        boolean resume = args.flag("resume");
        boolean quiet = args.flag("quiet");
        boolean json = args.flag("json");
        args.rejectUnknown();

        List<TrainingExample> train = encode(model, ChatData.read(trainFile), trainFile);
        List<TrainingExample> validation = validationFile == null ? List.of()
                : encode(model, ChatData.read(Path.of(validationFile)), Path.of(validationFile));
        Path checkpoints = outDir.resolve("checkpoints");
        Path resumeFrom = resume ? TrainingCheckpoint.latest(checkpoints) : null;
        if (resume && resumeFrom == null) {
            throw new EngineException.InputError("--resume given but " + checkpoints + " holds no complete checkpoint");
        }
        try {
            Files.createDirectories(outDir);
        } catch (IOException e) {
            throw new EngineException.InputError("cannot create " + outDir + ": " + e.getMessage(), e);
        }
        Trainer trainer = new Trainer(model.weights(), config);
        long started = System.nanoTime();
        TrainingResult result;
        try (BufferedWriter metrics = Files.newBufferedWriter(outDir.resolve("metrics.jsonl"), StandardCharsets.UTF_8,
                java.nio.file.StandardOpenOption.CREATE, resume ? java.nio.file.StandardOpenOption.APPEND
                        : java.nio.file.StandardOpenOption.TRUNCATE_EXISTING)) {
            TrainingListener listener = new MetricsListener(metrics, quiet ? null : out);
            result = resumeFrom == null
                    ? trainer.train(train, validation, listener, checkpoints)
                    : trainer.resume(resumeFrom, train, validation, listener, checkpoints);
        } catch (IOException e) {
            throw new EngineException.InputError("cannot write metrics in " + outDir + ": " + e.getMessage(), e);
        }
        double seconds = (System.nanoTime() - started) / 1e9;
        Path artefact = writeOutput(model, config, result, outDir);
        ObjectNode summary = writeSummary(model, config, result, trainFile, validationFile, seconds, artefact, outDir);
        out.printf(Locale.ROOT, "done: %d/%d steps in %.1f s, final train loss %.4f%s -> %s%n", result.steps(), result.totalSteps(), seconds,
                result.finalTrainLoss(), Double.isNaN(result.finalValidationLoss()) ? ""
                        : String.format(Locale.ROOT, ", validation loss %.4f", result.finalValidationLoss()), artefact);
        if (json) {
            out.println(summary);
        }
        return 0;
    }

    private static TrainingConfig config(Args a) {
        int rank = a.integer("lora-r", 8);
        LoraConfig lora = new LoraConfig(rank, a.number("lora-alpha", 2f * rank), a.number("lora-dropout", 0f),
                targets(a.get("lora-targets", "all-linear")));
        TrainingConfig c = TrainingConfig.defaults()
                .withLora(lora)
                .withEpochs(a.integer("epochs", 1))
                .withBatch(a.integer("batch-size", 8), a.integer("grad-accum", 1),
                        a.flag("packing") ? TrainingConfig.Batching.PACKED : TrainingConfig.Batching.PADDED)
                .withLearningRate(a.number("lr", 1e-3f))
                .withSchedule(schedule(a.get("scheduler", "cosine")), a.number("warmup-ratio", 0f), a.number("min-lr-ratio", 0f))
                .withRegularisation(a.number("weight-decay", 0f), a.number("max-grad-norm", 1f))
                .withSeed(a.longValue("seed", 42L))
                .withTrainOnInputs(a.flag("train-on-inputs"))
                .withSequences(a.integer("max-seq-len", 0), overflow(a.get("overflow", "fail")))
                .withEvaluation(a.integer("eval-every", 0), a.integer("early-stopping", 0))
                .withCheckpointEvery(a.integer("checkpoint-every", 0));
        return a.flag("full") ? c.withFullFineTuning() : c;
    }

    private static Set<Projection> targets(String list) {
        if (list.equals("all-linear")) {
            return LoraConfig.allLinear();
        }
        Set<Projection> out = EnumSet.noneOf(Projection.class);
        for (String p : list.split(",")) {
            out.add(Projection.parse(p));
        }
        return out;
    }

    private static LrSchedule.Kind schedule(String s) {
        try {
            return LrSchedule.Kind.valueOf(s.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new Args.UsageException("--scheduler must be cosine, linear or constant, got '" + s + "'");
        }
    }

    private static TrainingConfig.Overflow overflow(String s) {
        try {
            return TrainingConfig.Overflow.valueOf(s.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new Args.UsageException("--overflow must be fail, truncate or drop, got '" + s + "'");
        }
    }

    private static List<TrainingExample> encode(LanguageModel model, List<List<ChatMessage>> conversations, Path file) {
        List<TrainingExample> out = new ArrayList<>();
        for (int i = 0; i < conversations.size(); i++) {
            try {
                out.add(TrainingExample.of(model.template().encodeForTraining(conversations.get(i))));
            } catch (EngineException.InvalidChat e) {
                throw new EngineException.InvalidChat(file + " conversation " + (i + 1) + ": " + e.getMessage());
            }
        }
        return out;
    }

    private static Path writeOutput(LanguageModel model, TrainingConfig config, TrainingResult result, Path outDir) {
        if (result.adapter() != null) {
            Path dir = outDir.resolve("adapter");
            PeftAdapterIo.write(result.adapter(), dir, model.name(), model.fingerprint());
            return dir;
        }
        Path dir = outDir.resolve("model");
        int bos = model.tokenizer().bosId();
        int eos = model.tokenizer().eosId();
        HfModelWriter.write(result.weights(), dir, new SpecialTokenIds(bos >= 0 ? bos : null, eos >= 0 ? List.of(eos) : List.of()));
        return dir;
    }

    private static ObjectNode writeSummary(LanguageModel model, TrainingConfig c, TrainingResult r, Path trainFile, String validationFile,
                                     double seconds, Path artefact, Path outDir) {
        ObjectNode s = JSON.createObjectNode();
        s.put("base_model", model.name());
        s.put("base_model_sha256", model.fingerprint());
        s.put("train_file", trainFile.toString());
        s.put("validation_file", validationFile);
        s.put("output", artefact.toString());
        ObjectNode h = s.putObject("hyperparameters");
        h.put("training_type", c.type().name().toLowerCase(Locale.ROOT));
        if (c.type() == TrainingConfig.TrainingType.LORA) {
            h.put("lora_r", c.lora().rank());
            h.put("lora_alpha", c.lora().alpha());
            h.put("lora_dropout", c.lora().dropout());
            h.put("lora_targets", String.join(",", c.lora().targets().stream().sorted().map(Projection::peftName).toList()));
        }
        h.put("epochs", c.epochs());
        h.put("batch_size", c.batchSize());
        h.put("gradient_accumulation", c.gradientAccumulation());
        h.put("batching", c.batching().name().toLowerCase(Locale.ROOT));
        h.put("learning_rate", c.learningRate());
        h.put("lr_scheduler", c.schedule().name().toLowerCase(Locale.ROOT));
        h.put("warmup_ratio", c.warmupRatio());
        h.put("min_lr_ratio", c.minLrRatio());
        h.put("weight_decay", c.weightDecay());
        h.put("max_grad_norm", c.maxGradNorm());
        h.put("seed", c.seed());
        h.put("train_on_inputs", c.trainOnInputs());
        h.put("max_seq_len", c.maxSeqLen() == 0 ? model.weights().config().maxSeqLen() : c.maxSeqLen());
        h.put("overflow", c.overflow().name().toLowerCase(Locale.ROOT));
        ObjectNode res = s.putObject("result");
        res.put("steps", r.steps());
        res.put("total_steps", r.totalSteps());
        res.put("final_train_loss", r.finalTrainLoss());
        if (!Double.isNaN(r.finalValidationLoss())) {
            res.put("final_validation_loss", r.finalValidationLoss());
            res.put("best_validation_loss", r.bestValidationLoss());
        }
        res.put("stopped_early", r.stoppedEarly());
        res.put("dropped_examples", r.droppedExamples());
        res.put("truncated_examples", r.truncatedExamples());
        res.put("seconds", seconds);
        try {
            JSON.writerWithDefaultPrettyPrinter().writeValue(outDir.resolve("training.json").toFile(), s);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return s;
    }

    /** Writes each step to metrics.jsonl and, unless quiet, a progress line to the console. */
    private static final class MetricsListener implements TrainingListener {
        private final BufferedWriter metrics;
        private final PrintStream console;

        MetricsListener(BufferedWriter metrics, PrintStream console) {
            this.metrics = metrics;
            this.console = console;
        }

        @Override
        public void onStep(StepMetrics m) {
            ObjectNode line = JSON.createObjectNode();
            line.put("step", m.step());
            line.put("epoch", m.epoch());
            line.put("loss", m.loss());
            line.put("lr", m.learningRate());
            line.put("grad_norm", m.gradNorm());
            line.put("tokens", m.tokens());
            line.put("tokens_per_second", m.tokensPerSecond());
            write(line);
            if (console != null && (m.step() % 10 == 0 || m.step() == m.totalSteps() || m.step() == 1)) {
                console.printf(Locale.ROOT, "step %d/%d  epoch %.2f  loss %.4f  lr %.2e  grad-norm %.3f  %.0f tok/s  eta %.0fs%n",
                        m.step(), m.totalSteps(), m.epoch(), m.loss(), m.learningRate(), m.gradNorm(), m.tokensPerSecond(), m.etaSeconds());
            }
        }

        @Override
        public void onEvaluation(int step, double validationLoss) {
            ObjectNode line = JSON.createObjectNode();
            line.put("step", step);
            line.put("validation_loss", validationLoss);
            write(line);
            if (console != null) {
                console.printf(Locale.ROOT, "step %d  validation loss %.4f%n", step, validationLoss);
            }
        }

        private void write(ObjectNode line) {
            try {
                metrics.write(JSON.writeValueAsString(line));
                metrics.write('\n');
                metrics.flush();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }
}
