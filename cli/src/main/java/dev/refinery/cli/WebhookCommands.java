package dev.refinery.cli;

import com.fasterxml.jackson.databind.JsonNode;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.util.List;

import static dev.refinery.cli.GatewayCalls.get;
import static dev.refinery.cli.GatewayCalls.post;

/** A project's webhooks: the gateway signs every delivery (Standard Webhooks) with the secret shown when it is made. */
@Command(name = "webhooks", description = "Webhooks: signed deliveries of the project's events.")
final class WebhookCommands {

    /** The verbs that are one request ({@link GatewayCalls}). */
    static final List<GatewayCalls.Call> CALLS = List.of(
            get("list", "v1/webhooks", "The project's webhooks."),
            get("get", "v1/webhooks/{ID}", "A webhook."),
            post("rotate", "v1/webhooks/{ID}/rotate", "A new signing secret, printed once."),
            get("deliveries", "v1/webhooks/{ID}/deliveries", "A webhook's deliveries, with their attempts."),
            post("redeliver", "v1/webhooks/{ID}/deliveries/{DELIVERY_ID}/redeliver", "Send a delivery again."));

    private final Cli cli;

    WebhookCommands(Cli cli) {
        this.cli = cli;
    }

    @Command(name = "create", description = "A new webhook; the signing secret is printed once.")
    void create(@Parameters(paramLabel = "URL") String url,
                @Option(names = "--events", paramLabel = "E[,E...]", split = ",", description = "e.g. job-completed,eval-finished") List<String> events,
                @Option(names = "--description", paramLabel = "TEXT") String description) {
        cli.print(cli.gateway().postJson("v1/webhooks", Bodies.of("url", url, "events", events == null ? null
                : events.stream().map(String::strip).toList(), "description", description), null));
    }

    @Command(name = "delete", description = "Delete a webhook.")
    void delete(@Parameters(paramLabel = "ID") String id) {
        JsonNode answer = cli.gateway().delete("v1/webhooks/" + id);
        if (cli.json()) {
            cli.printJson(answer.isNull() || answer.isMissingNode() ? cli.jsonObject("deleted", id) : answer);
        } else {
            cli.out.println("deleted " + id);
        }
    }

}
