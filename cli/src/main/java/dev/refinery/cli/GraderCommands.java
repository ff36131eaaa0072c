package dev.refinery.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** A project's graders: named, versioned checks that evaluations score as metrics and policies use as guards. */
@Command(name = "graders", description = "Graders: named, versioned checks; use one as the metric \"grader:NAME\".")
final class GraderCommands {

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

    @Command(name = "list", description = "The project's graders.")
    void list() {
        cli.print(cli.gateway().get("v1/graders"));
    }

    @Command(name = "get", description = "A grader, its newest version.")
    void get(@Parameters(paramLabel = "NAME") String name) {
        cli.print(cli.gateway().get("v1/graders/" + name));
    }
}
