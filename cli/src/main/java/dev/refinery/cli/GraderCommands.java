package dev.refinery.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.PrintStream;
import java.util.LinkedHashMap;
import java.util.Map;

/** A project's graders: named, versioned checks that evaluations score as metrics and policies use as guards. */
final class GraderCommands {

    static final String USAGE = """
            graders create NAME --kind regex|contains|json_path|json_schema|pairwise_judge --config JSON
                                                a new grader, or its next version; use it as "grader:NAME"
            graders list | get NAME
            """;
    private static final ObjectMapper JSON = new ObjectMapper();

    private GraderCommands() {
    }

    /** Runs a grader command; false when {@code command} is not one. */
    static boolean run(String command, String[] a, GatewayClient gateway, PrintStream out) {
        switch (command) {
            case "graders create" -> out.println(gateway.postJson("v1/graders", request(a), null).toPrettyString());
            case "graders list" -> out.println(gateway.get("v1/graders").toPrettyString());
            case "graders get" -> out.println(gateway.get("v1/graders/" + FlagValues.positional(a, 2, "NAME")).toPrettyString());
            default -> {
                return false;
            }
        }
        return true;
    }

    private static Map<String, Object> request(String[] a) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("name", FlagValues.positional(a, 2, "NAME"));
        for (FlagValues f : FlagValues.from(a, 3)) {
            switch (f.flag()) {
                case "--kind" -> body.put("kind", f.value());
                case "--config" -> {
                    try {
                        body.put("config", JSON.readTree(f.value()));
                    } catch (JsonProcessingException e) {
                        throw new IllegalArgumentException("--config is not JSON: " + e.getOriginalMessage());
                    }
                }
                default -> throw new IllegalArgumentException("unknown option " + f.flag() + " (known: --kind, --config)");
            }
        }
        return body;
    }
}
