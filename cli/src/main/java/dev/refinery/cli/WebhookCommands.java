package dev.refinery.cli;

import com.fasterxml.jackson.databind.JsonNode;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.util.List;
import java.util.Map;

/** A project's webhooks: the gateway signs every delivery (Standard Webhooks) with the secret shown when it is made. */
@Command(name = "webhooks", description = "Webhooks: signed deliveries of the project's events.")
final class WebhookCommands {

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

    @Command(name = "list", description = "The project's webhooks.")
    void list() {
        cli.print(cli.gateway().get("v1/webhooks"));
    }

    @Command(name = "get", description = "A webhook.")
    void get(@Parameters(paramLabel = "ID") String id) {
        cli.print(cli.gateway().get("v1/webhooks/" + id));
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

    @Command(name = "rotate", description = "A new signing secret, printed once.")
    void rotate(@Parameters(paramLabel = "ID") String id) {
        cli.print(cli.gateway().postJson("v1/webhooks/" + id + "/rotate", Map.of(), null));
    }

    @Command(name = "deliveries", description = "A webhook's deliveries, with their attempts.")
    void deliveries(@Parameters(paramLabel = "ID") String id) {
        cli.print(cli.gateway().get("v1/webhooks/" + id + "/deliveries"));
    }

    @Command(name = "redeliver", description = "Send a delivery again.")
    void redeliver(@Parameters(index = "0", paramLabel = "ID") String id, @Parameters(index = "1", paramLabel = "DELIVERY_ID") String delivery) {
        cli.print(cli.gateway().postJson("v1/webhooks/" + id + "/deliveries/" + delivery + "/redeliver", Map.of(), null));
    }
}
