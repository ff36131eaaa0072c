package dev.refinery.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.util.List;

import static dev.refinery.cli.GatewayCalls.get;

/** A project's graders: named, versioned checks that evaluations score as metrics and policies use as guards. */
@Command(name = "graders", description = "Graders: named, versioned checks; use one as the metric \"grader:NAME\".")
final class GraderCommands {

    /** The verbs that are one request ({@link GatewayCalls}). */
    static final List<GatewayCalls.Call> CALLS = List.of(
            get("list", "v1/graders", "The project's graders."),
            get("get", "v1/graders/{NAME}", "A grader, its newest version."));

    private final Cli cli;

    GraderCommands(Cli cli) {
        this.cli = cli;
    }

    @Command(name = "create", description = "A new grader, or its next version.")
    void create(@Parameters(paramLabel = "NAME") String name,
                @Option(names = "--kind", paramLabel = "K", description = "regex, contains, json_path, json_schema or pairwise_judge") String kind,
                @Option(names = "--config", paramLabel = "JSON") String config) {
        cli.print(cli.gateway().postJson("v1/graders", Bodies.of("name", name, "kind", kind, "config", Bodies.json("--config", config)), null));
    }

}
