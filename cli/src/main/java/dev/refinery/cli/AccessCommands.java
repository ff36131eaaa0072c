package dev.refinery.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.util.List;

import static dev.refinery.cli.GatewayCalls.delete;
import static dev.refinery.cli.GatewayCalls.get;

/** Who may call: API keys, projects and the audit log ({@code me} and {@code login} are {@link RootCommand}'s). */
final class AccessCommands {

    private AccessCommands() {
    }

    @Command(name = "keys", description = "API keys: create (the key is printed once), list, revoke.")
    static final class Keys {

        /** The verbs that are one request ({@link GatewayCalls}). */
        static final List<GatewayCalls.Call> CALLS = List.of(delete("revoke", "v1/keys/{KEY_ID}", "Revoke a key."));
        private final Cli cli;

        Keys(Cli cli) {
            this.cli = cli;
        }

        @Command(name = "create", description = "A new key; it is printed once: store it (e.g. refinery login).")
        void create(@Parameters(paramLabel = "NAME") String name,
                    @Option(names = "--scope", required = true, paramLabel = "read|write|admin") String scope,
                    @Option(names = "--expires", paramLabel = "TIME", description = "e.g. 2027-01-01T00:00:00Z") String expires,
                    @Option(names = "--project", paramLabel = "P") String project,
                    @Option(names = "--rate", paramLabel = "PER_MINUTE", description = "requests per minute") Integer rate) {
            cli.print(cli.gateway().postJson("v1/keys", Bodies.of("name", name, "scope", scope, "expiresAt", expires, "project", project,
                    "requestsPerMinute", rate), null));
        }

        @Command(name = "list", description = "The keys (prefixes, never the keys).")
        void list(@Option(names = "--project", paramLabel = "P") String project) {
            cli.print(cli.gateway().get("v1/keys" + Bodies.query("project", project)));
        }

    }

    @Command(name = "projects", description = "Projects (tenants): list, create.")
    static final class Projects {

        /** The verbs that are one request ({@link GatewayCalls}). */
        static final List<GatewayCalls.Call> CALLS = List.of(get("list", "v1/projects", "The projects."));
        private final Cli cli;

        Projects(Cli cli) {
            this.cli = cli;
        }

        @Command(name = "create", description = "A new project.")
        void create(@Parameters(paramLabel = "ID") String id, @Option(names = "--organization", paramLabel = "ORG") String organization) {
            cli.print(cli.gateway().postJson("v1/projects", Bodies.of("id", id, "organization", organization), null));
        }
    }

    @Command(name = "audit", description = "The audit log: who created, cancelled, downloaded what, with which key.")
    static final class Audit {
        private final Cli cli;

        Audit(Cli cli) {
            this.cli = cli;
        }

        @Command(name = "list", description = "The audit log, newest first.")
        void list(@Option(names = "--action", paramLabel = "ACTION", description = "e.g. job.cancelled") String action) {
            cli.print(cli.gateway().get("v1/audit" + Bodies.query("action", action)));
        }
    }
}
