package dev.refinery.cli;

import com.fasterxml.jackson.databind.JsonNode;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.PositionalParamSpec;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The verbs that are one request to the gateway and nothing else: the command's arguments fill the placeholders of the
 * path, and the answer is printed (as JSON with --json). Declared as a table ({@link Call}) rather than one method each;
 * the verbs with options or work of their own are annotated methods of their noun's class.
 */
final class GatewayCalls {

    private static final Pattern PLACEHOLDER = Pattern.compile("\\{([A-Z_]+)}");

    private GatewayCalls() {
    }

    /** The HTTP method of a call; POST sends an empty JSON object. */
    enum Method { GET, POST, DELETE }

    /**
     * One verb: {@code new Call("get", GET, "v1/datasets/{ID}", "A dataset.")} is {@code refinery datasets get ID}.
     *
     * @param path relative to the gateway; each {@code {NAME}} is a positional argument NAME, in order
     */
    record Call(String verb, Method method, String path, String description) {
    }

    static Call get(String verb, String path, String description) {
        return new Call(verb, Method.GET, path, description);
    }

    static Call post(String verb, String path, String description) {
        return new Call(verb, Method.POST, path, description);
    }

    static Call delete(String verb, String path, String description) {
        return new Call(verb, Method.DELETE, path, description);
    }

    /** Adds each call to {@code noun} as a subcommand; returns {@code noun}. */
    static CommandLine addTo(CommandLine noun, Cli cli, List<Call> calls) {
        calls.forEach(call -> noun.addSubcommand(call.verb(), command(cli, call)));
        return noun;
    }

    static CommandLine command(Cli cli, Call call) {
        List<PositionalParamSpec> arguments = new ArrayList<>();
        Matcher m = PLACEHOLDER.matcher(call.path());
        while (m.find()) {
            arguments.add(PositionalParamSpec.builder().index(String.valueOf(arguments.size())).arity("1").required(true)
                    .paramLabel(m.group(1)).type(String.class).build());
        }
        Callable<Integer> run = () -> {
            StringBuilder path = new StringBuilder();
            Matcher p = PLACEHOLDER.matcher(call.path());
            int i = 0;
            while (p.find()) {
                p.appendReplacement(path, Matcher.quoteReplacement(arguments.get(i++).getValue()));
            }
            p.appendTail(path);
            GatewayClient gateway = cli.gateway();
            JsonNode answer = switch (call.method()) {
                case GET -> gateway.get(path.toString());
                case POST -> gateway.postJson(path.toString(), Map.of(), null);
                case DELETE -> gateway.delete(path.toString());
            };
            cli.print(answer);
            return ExitCodes.OK;
        };
        CommandSpec spec = CommandSpec.wrapWithoutInspection(run);
        spec.name(call.verb());
        spec.usageMessage().description(call.description());
        arguments.forEach(spec::addPositional);
        return new CommandLine(spec);
    }
}
