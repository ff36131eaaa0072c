package dev.refinery.cli;

import com.fasterxml.jackson.databind.JsonNode;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/** Capture of served traffic and its export as a dataset ({@code feedback} is {@link RootCommand}'s). */
@Command(name = "capture", description = "Capture of served traffic: settings, records, export as a dataset.")
final class CaptureCommands {

    /** What an export holds. */
    enum Kind { sft, preference }

    private final Cli cli;

    CaptureCommands(Cli cli) {
        this.cli = cli;
    }

    /** --enable or --disable, not both. */
    static final class Switch {
        @Option(names = "--enable", required = true, description = "capture answers")
        boolean enable;
        @Option(names = "--disable", required = true, description = "stop capturing")
        boolean disable;
    }

    @Command(name = "settings", description = {"The project's capture settings; with options, changes them (admin).",
            "--redact replaces the patterns (repeat it for several), --no-redact clears them."})
    void settings(@ArgGroup(exclusive = true) Switch enabled,
                  @Option(names = "--retention-days", paramLabel = "N") Integer retentionDays,
                  @Option(names = "--redact", paramLabel = "REGEX") List<String> redact,
                  @Option(names = "--no-redact", description = "no redaction patterns") boolean noRedact) {
        if (noRedact && redact != null) {
            throw new IllegalArgumentException("--redact or --no-redact, not both");
        }
        Map<String, Object> change = Bodies.of("enabled", enabled == null ? null : enabled.enable, "retentionDays", retentionDays,
                "redact", noRedact ? List.of() : redact);
        cli.print(change.isEmpty() ? cli.gateway().get("v1/capture/settings") : cli.gateway().putJson("v1/capture/settings", change));
    }

    @Command(name = "records", description = "Captured answers, newest first, with their feedback.")
    void records(@Option(names = "--limit", paramLabel = "N") Integer limit, @Option(names = "--offset", paramLabel = "N") Integer offset) {
        cli.print(cli.gateway().get("v1/capture/records" + Bodies.query("limit", limit, "offset", offset)));
    }

    /** Where an export goes besides standard output. */
    static final class Destination {
        @Option(names = "--upload", paramLabel = "NAME", description = "uploaded as dataset NAME, validated like any upload; its id printed")
        String upload;
        @Option(names = "--to-collection", paramLabel = "ID", description = "sent into collection ID as producer capture-KIND (again "
                + "later: only what is new is stored)")
        String collection;
    }

    @Command(name = "export", description = "Answers with feedback as a dataset (JSONL; to standard output unless --out, --upload or "
            + "--to-collection).")
    void export(@Option(names = "--kind", paramLabel = "sft|preference") Kind kind,
                @Option(names = "--since", paramLabel = "TIME") String since,
                @Option(names = "--until", paramLabel = "TIME") String until,
                @Option(names = "--out", paramLabel = "FILE") Path out,
                @ArgGroup(exclusive = true) Destination destination) {
        if (kind == null) {
            throw new IllegalArgumentException("--kind sft or --kind preference");
        }
        String path = "v1/capture/export" + Bodies.query("kind", kind.name(), "since", since, "until", until);
        String upload = destination == null ? null : destination.upload;
        String collection = destination == null ? null : destination.collection;
        GatewayClient gateway = cli.gateway();
        if (out == null && upload == null && collection == null) {
            gateway.download(path, cli.out); // the dataset itself is the output
            cli.out.flush();
            return;
        }
        try {
            Path file = out != null ? out : Files.createTempFile("refinery-capture-", ".jsonl");
            long bytes;
            try (OutputStream to = Files.newOutputStream(file)) {
                bytes = gateway.download(path, to);
            }
            try {
                if (collection != null) {
                    // the feed of captured traffic into a collection: run again (e.g. from cron), only what is new is stored
                    ContinuousCommands.send(cli, collection, file, "capture-" + kind.name());
                    return;
                }
                if (upload == null) {
                    long examples = lines(file);
                    if (cli.json()) {
                        JsonNode written = cli.jsonObject("file", file.toString()).put("examples", examples);
                        cli.printJson(written);
                    } else {
                        cli.out.println(examples + " examples written to " + file);
                    }
                    return;
                }
                if (bytes == 0) {
                    throw new IllegalStateException("nothing to export: no captured answer has the feedback a " + kind.name()
                            + " example needs, so no dataset was uploaded");
                }
                JsonNode dataset = gateway.uploadDataset(file, upload, null);
                if (cli.json()) {
                    cli.printJson(dataset);
                } else {
                    cli.out.println(dataset.path("id").asText());
                }
            } finally {
                if (out == null) {
                    Files.deleteIfExists(file);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e.getMessage(), e);
        }
    }

    private static long lines(Path file) throws IOException {
        try (var l = Files.lines(file)) {
            return l.filter(s -> !s.isBlank()).count();
        }
    }
}
