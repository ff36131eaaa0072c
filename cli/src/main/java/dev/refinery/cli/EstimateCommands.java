package dev.refinery.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code refinery estimates create}: the cost of a run before it starts. */
@Command(name = "estimates", description = "Cost estimates: low / expected / high, before a run.")
final class EstimateCommands {

    private final Cli cli;

    EstimateCommands(Cli cli) {
        this.cli = cli;
    }

    @Command(name = "create", description = "The cost of a run: give --dataset, or --training-tokens (and --examples).")
    void create(@Option(names = "--backend", paramLabel = "B", description = "local, together, fireworks, openai or kubernetes") String backend,
                @Option(names = "--model", paramLabel = "ID") String model,
                @Option(names = "--dataset", paramLabel = "ID", description = "an uploaded dataset, its tokens counted") String dataset,
                @Option(names = "--training-type", paramLabel = "T", description = "lora or full") String trainingType,
                @Option(names = "--method", paramLabel = "M", description = "sft or dpo") String method,
                @Option(names = "--epochs", paramLabel = "N") Long epochs,
                @Option(names = "--evals", paramLabel = "N", description = "evaluation passes") Long evaluations,
                @Option(names = "--training-tokens", paramLabel = "N") Long trainingTokens,
                @Option(names = "--validation-tokens", paramLabel = "N") Long validationTokens,
                @Option(names = "--examples", paramLabel = "N") Long examples) {
        cli.print(cli.gateway().postJson("v1/estimates", Bodies.of("backend", backend, "model", model, "datasetId", dataset,
                "trainingType", trainingType, "method", method, "epochs", epochs, "evaluations", evaluations,
                "trainingTokens", trainingTokens, "validationTokens", validationTokens, "examples", examples), null));
    }
}
