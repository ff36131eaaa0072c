package dev.refinery.cli;

import java.io.PrintStream;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/** A project's webhooks: the gateway signs every delivery (Standard Webhooks) with the secret shown when it is made. */
final class WebhookCommands {

    static final String USAGE = """
            webhooks create URL [--events job-completed,eval-finished] [--description TEXT]
                                                the signing secret is printed once
            webhooks list | get ID | delete ID | rotate ID | deliveries ID | redeliver ID DELIVERY_ID
            """;

    private WebhookCommands() {
    }

    /** Runs a webhook command; false when {@code command} is not one. */
    static boolean run(String command, String[] a, GatewayClient gateway, PrintStream out) {
        switch (command) {
            case "webhooks create" -> out.println(gateway.postJson("v1/webhooks", request(a), null).toPrettyString());
            case "webhooks list" -> out.println(gateway.get("v1/webhooks").toPrettyString());
            case "webhooks get" -> out.println(gateway.get("v1/webhooks/" + FlagValues.positional(a, 2, "ID")).toPrettyString());
            case "webhooks delete" -> {
                gateway.delete("v1/webhooks/" + FlagValues.positional(a, 2, "ID"));
                out.println("deleted " + a[2]);
            }
            case "webhooks rotate" -> out.println(gateway.postJson("v1/webhooks/" + FlagValues.positional(a, 2, "ID") + "/rotate", Map.of(), null)
                    .toPrettyString());
            case "webhooks deliveries" -> out.println(gateway.get("v1/webhooks/" + FlagValues.positional(a, 2, "ID") + "/deliveries").toPrettyString());
            case "webhooks redeliver" -> out.println(gateway.postJson("v1/webhooks/" + FlagValues.positional(a, 2, "ID") + "/deliveries/"
                    + FlagValues.positional(a, 3, "DELIVERY_ID") + "/redeliver", Map.of(), null).toPrettyString());
            default -> {
                return false;
            }
        }
        return true;
    }

    private static Map<String, Object> request(String[] a) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("url", FlagValues.positional(a, 2, "URL"));
        for (FlagValues f : FlagValues.from(a, 3)) {
            switch (f.flag()) {
                case "--events" -> body.put("events", Arrays.stream(f.value().split(",")).map(String::strip).toList());
                case "--description" -> body.put("description", f.value());
                default -> throw new IllegalArgumentException("unknown option " + f.flag() + " (known: --events, --description)");
            }
        }
        return body;
    }

}
