package dev.refinery.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.util.List;

import static dev.refinery.cli.GatewayCalls.get;

/** {@code refinery evals ...}: evaluations of fine-tunes and model versions. */
@Command(name = "evals", description = "Evaluations: base vs fine-tuned (and the champion) on the held-out split.")
final class EvalCommands {

    /** The verbs that are one request ({@link GatewayCalls}). */
    static final List<GatewayCalls.Call> CALLS = List.of(
            get("get", "v1/evals/{EVAL_ID}", "An evaluation: the metric for base and candidate, the paired interval, the verdict."));

    private final Cli cli;

    EvalCommands(Cli cli) {
        this.cli = cli;
    }

    @Command(name = "list", description = "Evaluations: of one job, or (without JOB_ID) the project's.")
    void list(@Parameters(arity = "0..1", paramLabel = "JOB_ID") String jobId) {
        cli.print(cli.gateway().get("v1/evals" + Bodies.query("jobId", jobId)));
    }

    @Command(name = "items", description = "An evaluation's items: each held-out request with both answers and their scores.")
    void items(@Parameters(paramLabel = "EVAL_ID") String id,
               @Option(names = "--limit", paramLabel = "N", description = "page size") Integer limit,
               @Option(names = "--offset", paramLabel = "N", description = "items to skip") Integer offset) {
        cli.print(cli.gateway().get("v1/evals/" + id + "/items" + Bodies.query("limit", limit, "offset", offset)));
    }
}
